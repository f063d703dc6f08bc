/**
 * The product's headline example, through `weft hunt` with the bundled pack: a Windows logon by
 * `CORP\<login>`, an Okta MFA challenge for `<login>@corp.example` and an AWS AssumeRole by the same
 * person's IAM Identity Center session, within 15 minutes, become ONE session alert naming all three
 * events and sources. The records come from the scenario generator's writers (the shapes of
 * evtx_dump JSON, the Okta System Log API and CloudTrail files); people that only almost qualify
 * (a leg outside the window, a leg missing, an unknown AWS principal) give no alert.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entityId } from '../../src/event/event-id.js';
import { OFFICE_CLIENT } from '../../src/scenario/benign.js';
import { cloudTrailRecord, ssoSessionIdentity, withSessionStart } from '../../src/scenario/cloudtrail.js';
import { renderEvtx } from '../../src/scenario/evtx.js';
import { identitiesYaml } from '../../src/scenario/identities.js';
import { oktaEvent, oktaRequestId, oktaSessionId, userTarget } from '../../src/scenario/okta.js';
import { Rng } from '../../src/scenario/rng.js';
import { logon4624, logonId } from '../../src/scenario/windows.js';
import { AWS_ACCOUNT, buildWorld, DOMAIN, type Person } from '../../src/scenario/world.js';
import { weft } from '../support/cli.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-10T08:30:00Z');

interface Legs { windows?: number; okta?: number; aws?: number; awsEmail?: string }

function build(dir: string): { people: Person[] } {
  const rng = new Rng('cross-source-session');
  const world = buildWorld(rng.fork('world'), 40, 40);
  const engineers = world.people.filter((p) => p.awsRole !== undefined);
  assert.ok(engineers.length >= 4, 'the world has engineers with AWS access');
  const [alice, bob, carol, dave] = engineers as [Person, Person, Person, Person];
  const plan = new Map<Person, Legs>([
    [alice, { windows: 0, okta: 3 * MIN, aws: 9 * MIN }], // one session
    [bob, { windows: 0, okta: 2 * MIN, aws: 15 * MIN + 1_000 }], // AWS a second after the window
    [carol, { windows: 0, okta: 1 * MIN }], // never went to AWS
    [dave, { windows: 0, okta: 1 * MIN, aws: 4 * MIN, awsEmail: 'someone-else@corp.example' }], // the AWS session is not dave's
  ]);
  const evtx: string[] = [];
  const okta: string[] = [];
  const records: Record<string, unknown>[] = [];
  let recordId = 81_000;
  for (const [p, legs] of plan) {
    if (legs.windows !== undefined) {
      const account = { name: p.login, domain: DOMAIN, sid: p.sid };
      evtx.push(renderEvtx(logon4624(rng, { host: p.workstation, at: T0 + legs.windows, account, logonType: 2, sourceIp: '127.0.0.1', sourcePort: 0, workstation: p.workstation.name }, logonId(rng)), recordId++));
    }
    if (legs.okta !== undefined) {
      const at = T0 + legs.okta;
      okta.push(oktaEvent(rng, {
        at, eventType: 'user.authentication.auth_via_mfa', legacyEventType: 'core.user.factor.attempt_success', displayMessage: 'Authentication of user via MFA',
        result: 'SUCCESS', person: p, client: OFFICE_CLIENT, sessionId: oktaSessionId(rng), requestUri: '/api/v1/authn/factors/verify', transactionId: oktaRequestId(rng),
        factor: 'OKTA_VERIFY_PUSH', authenticationProvider: 'FACTOR_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'OTP', target: [userTarget(p)],
      }));
    }
    if (legs.aws !== undefined) {
      const at = T0 + legs.aws;
      const identity = withSessionStart(ssoSessionIdentity(rng, p.awsRole as string, legs.awsEmail ?? p.email, rng.hex(16)), at - 30_000);
      records.push(cloudTrailRecord(rng, {
        at, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', identity, sourceIp: world.egressIp, userAgent: 'aws-cli/2.15.30 Python/3.11.8 Windows/10 exe/AMD64 prompt/off', readOnly: true,
        requestParameters: { roleArn: `arn:aws:iam::${AWS_ACCOUNT}:role/ops-deploy`, roleSessionName: p.login, durationSeconds: 3600 },
      }));
    }
  }
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'security.json'), `${evtx.join('\n')}\n`);
  writeFileSync(join(dir, 'logs', 'okta.log'), `${okta.join('\n')}\n`);
  writeFileSync(join(dir, 'logs', 'cloudtrail.json'), JSON.stringify({ Records: records }));
  writeFileSync(join(dir, 'identities.yaml'), identitiesYaml(world));
  return { people: [alice, bob, carol, dave] };
}

interface AlertLine {
  kind: string;
  rule: { title: string; level: string };
  correlation: { type: string };
  group: Record<string, string>;
  events: string[];
  sources: string[];
  first_time: string;
  last_time: string;
}

function hunt(dir: string, identities: boolean): AlertLine[] {
  const args = ['hunt', '--output', 'jsonl', join(dir, 'logs')];
  if (identities) args.splice(1, 0, '--identities', join(dir, 'identities.yaml'));
  const r = weft(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AlertLine);
}

const TITLE = 'Cross-Source User Session';

test('a Windows logon, an Okta MFA challenge and an AWS AssumeRole by one person within 15 minutes are one session alert', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-session-'));
  const { people } = build(dir);
  const alice = people[0] as Person;
  const sessions = hunt(dir, true).filter((a) => a.kind === 'correlation' && a.rule.title === TITLE);
  assert.equal(sessions.length, 1, JSON.stringify(sessions));
  const s = sessions[0] as AlertLine;
  assert.equal(s.correlation.type, 'temporal');
  assert.equal(s.rule.level, 'low');
  assert.deepEqual(s.group, { 'entity.user': entityId('user', alice.login) });
  assert.equal(s.events.length, 3);
  assert.equal(new Set(s.events).size, 3);
  assert.deepEqual([...s.sources].sort(), ['cloudtrail', 'okta', 'windows']);
  assert.equal(s.first_time, new Date(T0).toISOString());
  assert.equal(s.last_time, new Date(T0 + 9 * MIN).toISOString());
});

test('without the identity directory the three names are three people: no session alert', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-session-'));
  build(dir);
  const sessions = hunt(dir, false).filter((a) => a.kind === 'correlation' && a.rule.title === TITLE);
  assert.deepEqual(sessions, []);
});
