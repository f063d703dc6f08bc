import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { panwMapper } from './index.js';
import { at, assertFastOnLongInput, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk, receivedIn } from '../../../test/support/real-decode.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const threatLine = readFileSync(join(fixtureDir('panw'), 'threat.log'), 'utf8').split('\n')[0] as string;
const threat = decodeOk(threatLine, { receivedAt: receivedIn(2018) });

test('panw: the CSV is found whether the decoder split off a host, a tag, or nothing', () => {
  const csv = threatLine.slice(threatLine.indexOf('1,2018'));
  for (const fields of [
    { message: csv },
    { app_name: '1,2018/11/30', message: csv.slice('1,2018/11/30 '.length) },
    { hostname: '1,2018/11/30', message: csv.slice('1,2018/11/30 '.length) },
  ]) {
    const e = mapOk(panwMapper, { format: 'syslog-rfc3164', fields });
    assert.equal(at(e, 'event.action'), 'url_filtering');
    assert.equal(at(e, '@timestamp'), '2018-11-30T16:44:36.000Z');
  }
});

test('panw: zone-less times are read in the configured zone', () => {
  const e = mapOk(panwMapper, threat, { sourceId: 't', receivedAt: new Date(), timezone: 'America/New_York' });
  assert.equal(at(e, '@timestamp'), '2018-11-30T21:44:36.000Z');
});

test('panw: bad input is a specific failure', () => {
  expectFail(panwMapper, { format: 'syslog-rfc3164', fields: { message: 'hello' } }, 'normalize.panw.not_panos_csv');
  expectFail(panwMapper, { format: 'syslog-rfc3164', fields: { message: '1,2018/11/30 16:44:36,0128,SYSTEM,general,0' } }, 'normalize.panw.unsupported_type');
  expectFail(panwMapper, { format: 'syslog-rfc3164', fields: { message: '1,2018/11/30 16:44:36,0128,TRAFFIC,end,1,2018/11/30 16:44:36' } }, 'normalize.panw.truncated');
  const csv = threatLine.slice(threatLine.indexOf('1,2018'));
  expectFail(panwMapper, { format: 'syslog-rfc3164', fields: { message: csv.replace(',2049,2018/11/30 16:44:36,', ',2049,2018/13/45 16:44:36,') } }, 'normalize.panw.bad_timestamp');
  expectFail(panwMapper, { format: 'syslog-rfc3164', fields: { message: csv.replace(',192.168.15.224,', ',host-a,') } }, 'normalize.panw.bad_address');
  assertNeverThrows(panwMapper, threat);
  assertFastOnLongInput(panwMapper, { format: 'syslog-rfc3164', fields: { message: `${csv}${','.repeat(200_000)}` } });
});
