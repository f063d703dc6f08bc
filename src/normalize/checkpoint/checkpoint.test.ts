import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointMapper } from './index.js';
import { at, assertFastOnLongInput, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk } from '../../../test/support/real-decode.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const lines = readFileSync(join(fixtureDir('checkpoint'), 'firewall.log'), 'utf8').trim().split('\n');

test('checkpoint: a Drop is denied', () => {
  const d = decodeOk((lines[2] as string).replace('action:"Accept"', 'action:"Drop"'));
  const e = mapOk(checkpointMapper, d);
  assert.deepEqual(at(e, 'event.type'), ['denied', 'connection']);
  assert.equal(at(e, 'event.outcome'), 'failure');
});

test('checkpoint: bad input is a specific failure', () => {
  expectFail(checkpointMapper, { format: 'syslog-rfc5424', fields: { message: 'plain text' } }, 'normalize.checkpoint.missing_fields');
  expectFail(checkpointMapper, { format: 'syslog-rfc5424', fields: { message: '[nothing here:' } }, 'normalize.checkpoint.missing_fields');
  expectFail(checkpointMapper, { format: 'syslog-rfc5424', fields: { message: '[a:"b"]', timestamp: 'noon' } }, 'normalize.checkpoint.bad_timestamp');
  assertNeverThrows(checkpointMapper, decodeOk(lines[3] as string));
  assertFastOnLongInput(checkpointMapper, { format: 'syslog-rfc5424', fields: { message: `[a:"${'\\'.repeat(100_000)}` } });
});

test('checkpoint: a field named like an Object.prototype member stays an own key of checkpoint', () => {
  const e = mapOk(checkpointMapper, decodeOk((lines[2] as string).replace('action:"Accept"', 'action:"Accept"; __proto__:"x"; constructor:"y"')));
  const cp = e.checkpoint as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(cp), Object.prototype);
  assert.equal(Object.hasOwn(cp, '__proto__') && cp['__proto__'], 'x');
  assert.equal(Object.hasOwn(cp, 'constructor') && cp.constructor, 'y');
});
