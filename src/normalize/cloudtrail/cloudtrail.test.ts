import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudtrailMapper, cloudtrailRecords } from './index.js';
import { at, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const file: unknown = JSON.parse(readFileSync(join(fixtureDir('cloudtrail'), 'records.json'), 'utf8'));

test('cloudtrail: the Records wrapper unwraps into records', () => {
  const r = cloudtrailRecords(file);
  assert.ok(Array.isArray(r));
  assert.equal(r.length, 6);
  assert.equal(r[3]?.eventName, 'AssumeRole');
  assert.deepEqual(cloudtrailRecords([]), { error: 'a CloudTrail file is a JSON object' });
  assert.deepEqual(cloudtrailRecords({ Records: {} }), { error: 'a CloudTrail file has a "Records" array' });
  assert.deepEqual(cloudtrailRecords({ Records: [{}, 3] }), { error: 'Records[1] is not an object' });
});

test('cloudtrail: errorCode makes the outcome a failure', () => {
  const recs = cloudtrailRecords(file) as Record<string, unknown>[];
  const denied = { ...recs[4]!, errorCode: 'AccessDenied', errorMessage: 'User is not authorized' };
  const e = mapOk(cloudtrailMapper, { format: 'json', fields: denied });
  assert.equal(at(e, 'event.outcome'), 'failure');
  assert.equal((e.aws as { cloudtrail: { error_code: string } }).cloudtrail.error_code, 'AccessDenied');
  const assume = mapOk(cloudtrailMapper, { format: 'json', fields: recs[3]! });
  assert.equal(at(assume, 'user.name'), 'JohnDoe');
  assert.equal((assume.aws as { cloudtrail: { user_identity: { session_context: { session_issuer: { arn: string } } } } }).cloudtrail.user_identity.session_context.session_issuer.arn, 'arn:aws:iam::111111111111:role/JohnRole1');
});

test('cloudtrail: bad input is a specific failure', () => {
  const good = (cloudtrailRecords(file) as Record<string, unknown>[])[0]!;
  expectFail(cloudtrailMapper, { format: 'json', fields: file as Record<string, unknown> }, 'normalize.cloudtrail.file_wrapper');
  expectFail(cloudtrailMapper, { format: 'json', fields: { ...good, eventTime: undefined } }, 'normalize.cloudtrail.missing_event_time');
  expectFail(cloudtrailMapper, { format: 'json', fields: { ...good, eventTime: 'yesterday' } }, 'normalize.cloudtrail.bad_timestamp');
  expectFail(cloudtrailMapper, { format: 'json', fields: { ...good, eventName: '' } }, 'normalize.cloudtrail.missing_event_name');
  expectFail(cloudtrailMapper, { format: 'json', fields: { ...good, userIdentity: 'root' } }, 'normalize.cloudtrail.bad_user_identity');
  expectFail(cloudtrailMapper, { format: 'json', fields: { ...good, userIdentity: { accountId: '12ab' } } }, 'normalize.cloudtrail.bad_account_id');
  assertNeverThrows(cloudtrailMapper, { format: 'json', fields: good });
});
