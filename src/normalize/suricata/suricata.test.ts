import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suricataMapper } from './index.js';
import { at, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk } from '../../../test/support/real-decode.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const recs = readFileSync(join(fixtureDir('suricata'), 'eve.log'), 'utf8').trim().split('\n').map((l) => decodeOk(l));
const alert = recs[1]!;

test('suricata: a blocked alert is denied, stats are metrics', () => {
  const blocked = { ...alert.fields, alert: { ...(alert.fields.alert as object), action: 'blocked' } };
  const e = mapOk(suricataMapper, { format: 'json', fields: blocked });
  assert.deepEqual(at(e, 'event.type'), ['denied']);
  assert.equal(at(e, 'event.kind'), 'alert');
  const stats = mapOk(suricataMapper, { format: 'json', fields: { timestamp: '2018-07-05T15:51:23.009510-0400', event_type: 'stats', stats: { uptime: 5400 } } });
  assert.equal(at(stats, 'event.kind'), 'metric');
  assert.deepEqual(at(stats, 'suricata'), { eve: { event_type: 'stats', stats: { uptime: 5400 } } });
});

test('suricata: bad input is a specific failure', () => {
  const f = alert.fields;
  expectFail(suricataMapper, { format: 'json', fields: { ...f, event_type: undefined } }, 'normalize.suricata.missing_event_type');
  expectFail(suricataMapper, { format: 'json', fields: { ...f, timestamp: 17 } }, 'normalize.suricata.missing_timestamp');
  expectFail(suricataMapper, { format: 'json', fields: { ...f, timestamp: '2018-07-05 15:07:20' } }, 'normalize.suricata.bad_timestamp');
  expectFail(suricataMapper, { format: 'json', fields: { ...f, src_ip: 'attacker' } }, 'normalize.suricata.bad_address');
  expectFail(suricataMapper, { format: 'json', fields: { ...f, alert: 'x' } }, 'normalize.suricata.bad_alert');
  expectFail(suricataMapper, { format: 'json', fields: { ...f, flow: [1] } }, 'normalize.suricata.bad_flow');
});

test('suricata: hostile values never throw', () => {
  for (const r of recs) assertNeverThrows(suricataMapper, r);
});
