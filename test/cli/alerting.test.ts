import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { weft } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';

describe('weft ingest, alerts, incidents, replay, rules tune, assets, attack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-alerting-cli-'));
  const data = join(dir, 'data');
  const okta = join(dir, 'scenario', 'okta');
  const w = (args: string[]): ReturnType<typeof weft> => weft([...args, '--data-dir', data]);

  before(() => {
    runScenarioCommand({ out: join(dir, 'scenario') });
  });

  it('assets import: CSV into the store; a bad file exits 2 naming the line', () => {
    const csv = join(dir, 'assets.csv');
    writeFileSync(csv, 'kind,value,criticality,zone\nhost,DC01,5,core\ncidr,198.51.100.0/24,1,internet\n');
    const r = w(['assets', 'import', csv]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 2 assets, 0 asset types/);
    assert.match(w(['assets', 'list']).stdout, /host\s+dc01\s+criticality 5\s+zone core/);
    writeFileSync(csv, 'kind,value,criticality\nhost,DC01,7\n');
    const bad = w(['assets', 'import', csv]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /assets\.csv:2: criticality must be an integer 1\.\.5/);
  });

  it('incident grouping limits come from the config', () => {
    const hunt = (config?: string): { alerts: number; incidents: number } => {
      const args = ['hunt', '--output', 'jsonl', okta];
      const r = weft(config !== undefined ? ['--config', config, ...args] : args);
      assert.equal(r.code, 0, r.stderr);
      const kinds = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
      return { alerts: kinds.filter((k) => k !== 'incident').length, incidents: kinds.filter((k) => k === 'incident').length };
    };
    const cfg = join(dir, 'strict.yaml');
    writeFileSync(cfg, 'alert:\n  incident_max_entity_rules: 1\n  incident_link_gap: 1m\n');
    assert.deepEqual(hunt(), { alerts: 38, incidents: 1 });
    // No entity may link alerts of two rules: every alert stands alone.
    assert.deepEqual(hunt(cfg), { alerts: 38, incidents: 38 });
    writeFileSync(cfg, 'alert:\n  incident_max_fan_out: 1\n');
    const bad = weft(['--config', cfg, 'hunt', okta]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /incident_max_fan_out/);
  });

  it('attack import: the STIX bundle; not a bundle exits 2', () => {
    const r = w(['attack', 'import', join(repoRoot, 'src', 'alert', 'attack', 'testdata', 'enterprise-attack-excerpt.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 2 tactics and 3 techniques \(1 revoked or deprecated skipped\)/);
    const bad = w(['attack', 'import', join(repoRoot, 'package.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a STIX bundle/);
  });

  it('ingest stores alerts and incidents; replay finds no difference; false positives feed rules tune', () => {
    const r = w(['ingest', okta]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /detections\s+57 rule matches, 4 correlation alerts/);
    assert.match(r.stdout, /alerts\s+\d+ created, \d+ deduplicated, 0 suppressed/);
    assert.match(r.stdout, /incidents\s+1\n/);
    const again = w(['ingest', okta]);
    assert.match(again.stdout, /alerts\s+0 created, 0 deduplicated, 0 suppressed \(0 stored\)/);
    assert.match(w(['audit', 'verify']).stdout, /audit log intact: \d+ entries verified/);

    const rep = w(['replay', '--from', '2026-03-10T00:00:00Z', '--to', '2026-03-11T00:00:00Z']);
    assert.equal(rep.code, 0, rep.stdout + rep.stderr);
    assert.match(rep.stdout, /alerts\s+\d+ recorded, \d+ re-derived, 0 differ/);
    assert.equal(w(['replay', '--from', 'yesterday']).code, 2);

    const inc = w(['incidents', 'list', '--output', 'jsonl']);
    const incidents = inc.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; kind: string; kill_chain: Array<{ tactic: string }> });
    assert.equal(incidents.length, 1);
    assert.deepEqual(incidents[0]!.kill_chain.map((k) => k.tactic), ['Initial Access', 'Credential Access', 'Persistence']);
    const alerts = w(['alerts', 'list', '--output', 'jsonl', '--limit', '200']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; rule: { title: string }; score: number });
    const fatigue = alerts.find((a) => a.rule.title === 'Okta MFA Push Fatigue');
    assert.ok(fatigue);
    const set = w(['alerts', 'set-status', fatigue.id, 'false_positive', '--actor', 'analyst1']);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(w(['alerts', 'set-status', fatigue.id, 'bogus']).code, 2);
    assert.equal(w(['alerts', 'set-status', 'no-such-alert', 'resolved']).code, 2);
    const tune = w(['rules', 'tune', '--output', 'json']);
    const tuned = JSON.parse(tune.stdout) as Array<{ title: string; falsePositives: number; precision?: number; threshold?: { suggestedGte?: number } }>;
    assert.deepEqual([tuned[0]?.title, tuned[0]?.falsePositives, tuned[0]?.precision, tuned[0]?.threshold?.suggestedGte], ['Okta MFA Push Fatigue', 1, 0, 4]);

    const act = w(['incidents', 'action', incidents[0]!.id, 'disable_user', '--result', '{"user":"jonas"}']);
    assert.equal(act.code, 0, act.stderr);
    assert.equal(w(['incidents', 'action', incidents[0]!.id, 'x', '--result', '[1]']).code, 2);
    const st = w(['incidents', 'set-status', incidents[0]!.id, 'investigating', '--assignee', 'bob']);
    assert.equal(st.code, 0, st.stderr);
    const show = w(['incidents', 'show', incidents[0]!.id]);
    assert.match(show.stdout, /status investigating\s+assignee bob/);
    assert.match(show.stdout, /kill chain\s+Initial Access > Credential Access > Persistence/);
    assert.match(show.stdout, /response actions 1\n.*disable_user\s+succeeded/);
    // A later ingest keeps the analyst's status on the incident.
    assert.equal(w(['ingest', join(dir, 'scenario', 'cloudtrail')]).code, 0);
    assert.match(w(['incidents', 'list']).stdout, /investigating\s+\S+\s+.*\[bob\]/);
    assert.match(w(['audit', 'verify']).stdout, /audit log intact/);
  });

  it("a Weft link rule's alerts are stored with its rule version, and replay re-derives them", () => {
    const rules = join(dir, 'link-rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'link.yml'), `title: Invalid password then MFA for the same user
id: 5b0c7f1e-8a51-4d0e-9d55-3a1d1c2b7e01
correlation:
    type: sequence
    rules:
        - okta_sign_in_invalid_credentials
        - okta_mfa_authentication
    group-by:
        - user.name
    maxspan: 24h
level: medium
`);
    const linkData = join(dir, 'link-data');
    const r = weft(['ingest', '--rules', join(repoRoot, 'rules'), '--rules', rules, '--data-dir', linkData, okta]);
    assert.equal(r.code, 0, r.stderr);
    const listed = weft(['alerts', 'list', '--output', 'jsonl', '--limit', '500', '--data-dir', linkData]).stdout.trim().split('\n');
    assert.equal(listed.filter((l) => l.includes('5b0c7f1e-8a51-4d0e-9d55-3a1d1c2b7e01')).length, 36);
    const rep = weft(['replay', '--from', '2026-03-10T00:00:00Z', '--to', '2026-03-11T00:00:00Z', '--data-dir', linkData]);
    assert.equal(rep.code, 0, rep.stdout + rep.stderr);
    assert.match(rep.stdout, /alerts\s+74 recorded, 74 re-derived, 0 differ/);
  });
});
