import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fortigateMapper } from './index.js';
import { at, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { kvLine } from '../../../test/support/sample-decoders.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const raw = readFileSync(join(fixtureDir('fortigate'), 'log.log'), 'utf8').trim().split('\n');
const utm = kvLine(raw[0] as string);

test('fortigate: the same pairs inside a syslog message map the same way', () => {
  const viaKv = mapOk(fortigateMapper, utm);
  const viaSyslog = mapOk(fortigateMapper, { format: 'syslog-rfc3164', fields: { message: (raw[0] as string).replace(/^<\d+>/, ''), syslog: { facility: 23, severity: 4, priority: 188 } } });
  assert.deepEqual(viaSyslog, viaKv);
  assert.equal(at(viaKv, '@timestamp'), '2020-04-23T17:17:48.000Z');
  assert.equal(at(viaKv, 'user.name'), 'elasticuser');
});

test('fortigate: bad input is a specific failure', () => {
  expectFail(fortigateMapper, { format: 'kv', fields: { a: '1' } }, 'normalize.fortigate.not_fortigate');
  expectFail(fortigateMapper, { format: 'kv', fields: { ...utm.fields, date: undefined } }, 'normalize.fortigate.missing_time');
  expectFail(fortigateMapper, { format: 'kv', fields: { ...utm.fields, date: '2020-13-45' } }, 'normalize.fortigate.bad_timestamp');
  assertNeverThrows(fortigateMapper, utm);
});
