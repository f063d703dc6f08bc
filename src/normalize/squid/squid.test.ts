import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squidMapper } from './index.js';
import { at, assertFastOnLongInput, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk } from '../../../test/support/real-decode.js';

// Native access.log lines are no syslog/CEF/LEEF/JSON/kv: the decoder keeps them whole as `text` records.
const rawLine = (l: string) => decodeOk(l);

// From elastic/integrations packages/squid/data_stream/log/_dev/test/pipeline/test-access.log (ELv2).
const hit = rawLine('1157689321.315      1 10.105.21.199 TCP_HIT/200 1464 GET http://www.goonernews.com/styles.css badeyek NONE/- text/css');

test('squid: a denied request is a failure', () => {
  const denied = mapOk(squidMapper, rawLine('1157689321.315      1 10.105.21.199 TCP_DENIED/403 1464 GET http://www.goonernews.com/styles.css badeyek NONE/- text/css'));
  assert.equal(at(denied, 'event.outcome'), 'failure');
  assert.equal(at(denied, 'http.response.status_code'), 403);
});

test('squid: bad input is a specific failure', () => {
  expectFail(squidMapper, { format: 'kv', fields: {} }, 'normalize.squid.missing_message');
  expectFail(squidMapper, rawLine('GET / HTTP/1.1'), 'normalize.squid.bad_line');
  assertNeverThrows(squidMapper, hit);
  assertFastOnLongInput(squidMapper, rawLine(`1157689321.315 1 ${' '.repeat(200_000)}x`));
});
