import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entityId } from '../event/event-id.js';
import type { WeftEvent } from '../event/model.js';
import { RecordPipeline } from '../ingest/record-pipeline.js';
import { repoRoot } from '../../test/support/shared-data.js';
import { canonicalHostName, canonicalUserName, EntityResolver } from './entity-resolver.js';
import { IdentityDirectoryError, parseIdentityDirectory } from './identity-directory.js';

const fixture = (...p: string[]): string => join(repoRoot, 'test', 'fixtures', ...p);

function events(file: string): WeftEvent[] {
  const text = readFileSync(fixture(file), 'utf8');
  const p = new RecordPipeline({ sourceId: file });
  const out: WeftEvent[] = [];
  const docs = file.endsWith('records.json') ? [text] : text.split('\n').filter((l) => l.trim() !== '');
  for (const d of docs) for (const o of p.process(d, new Date('2026-01-01T00:00:00Z'))) if (o.kind === 'event') out.push(o.event);
  return out;
}

test('canonical forms', () => {
  assert.equal(canonicalUserName('CORP\\Alice'), 'alice');
  assert.equal(canonicalUserName(' Alice@Corp.Example '), 'alice@corp.example');
  assert.equal(canonicalHostName('DC01.corp.example'), 'dc01');
  assert.equal(canonicalHostName('10.0.0.1'), '10.0.0.1');
});

test('the directory links a person across Windows, Okta and AWS; machine accounts never link', () => {
  const dir = parseIdentityDirectory(`
users:
  - id: alice
    aliases: ['CORP\\alice', alice@corp.example, 'arn:aws:iam::111122223333:user/alice']
hosts:
  - id: dc01
    aliases: [dc01.corp.example]
`);
  const r = new EntityResolver(dir);
  assert.equal(r.user('CORP\\ALICE'), 'alice');
  assert.equal(r.user('alice@corp.example'), 'alice');
  assert.equal(r.user('bob@corp.example'), 'bob@corp.example');
  assert.equal(r.user('SYSTEM'), undefined);
  assert.equal(r.user('WS01$'), undefined);
  assert.equal(r.host('DC01.CORP.EXAMPLE'), 'dc01');
  const win = { '@timestamp': 'x', user: { name: 'alice', domain: 'CORP' }, host: { name: 'WS01.corp.example' }, weft: { id: '1', source_id: 's', ingest_time: 'x' } } as WeftEvent;
  const okta = { '@timestamp': 'x', user: { name: 'alice@corp.example' }, source: { ip: '198.51.100.7' }, weft: { id: '2', source_id: 's', ingest_time: 'x' } } as WeftEvent;
  const aws = { '@timestamp': 'x', user: { id: 'AROAEXAMPLE:alice@corp.example', name: 'AdminRole' }, weft: { id: '3', source_id: 's', ingest_time: 'x' } } as WeftEvent;
  const alice = entityId('user', 'alice');
  assert.deepEqual(r.enrich(win).weft.entity, { user: [alice], host: [entityId('host', 'ws01')] });
  assert.deepEqual(r.enrich(okta).weft.entity, { user: [alice], ip: [entityId('ip', '198.51.100.7')] });
  assert.deepEqual(r.enrich(aws).weft.entity?.user, [entityId('user', 'adminrole'), alice]);
});

test('real records: Okta actor, CloudTrail federated session, sshd user and source ip', () => {
  const r = new EntityResolver();
  const okta = events('okta/system.log').map((e) => r.canonical(e));
  assert.deepEqual(okta[0]?.user, ['username@elastic.co']);
  assert.deepEqual(okta[0]?.ip, ['175.16.199.1']);
  const ct = events('cloudtrail/records.json').map((e) => r.canonical(e));
  assert.deepEqual(ct[3]?.user, ['johndoe', 'johnrole1']);
  const auth = events('linux/auth.log').map((e) => r.canonical(e));
  assert.deepEqual(auth[0], { user: ['vagrant'], host: ['localhost'], ip: ['10.0.2.2'], process: ['localhost|3402|'] });
});

test('bad directory files are refused with the reason', () => {
  assert.throws(() => parseIdentityDirectory('users: [1, 2'), IdentityDirectoryError);
  assert.throws(() => parseIdentityDirectory('users:\n  - aliases: [a]\n'), /'users\.0\.id'/);
  assert.throws(() => parseIdentityDirectory('people: []\n'), /people/);
});

test('the scenario identity directory (aliases grouped by source) links its people', async () => {
  const { generateScenario } = await import('../scenario/index.js');
  const { files } = generateScenario({ seed: 'weft-demo', start: '2026-03-10T00:00:00Z' });
  const yaml = files.find((f) => f.path === 'identities.yaml')?.content ?? '';
  const dir = parseIdentityDirectory(yaml, 'identities.yaml');
  assert.ok(dir.users.length >= 40);
  const r = new EntityResolver(dir);
  const u = dir.users[0]!;
  for (const a of u.aliases.filter((x) => !x.includes('*') && !x.startsWith('S-1-5-'))) assert.equal(r.user(a), u.id, a);
});
