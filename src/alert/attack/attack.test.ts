import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AttackCatalog, ecsThreat, parseAttackBundle, StixBundleError, TACTICS, tacticOf } from './index.js';

const BUNDLE = readFileSync(join(import.meta.dirname, 'testdata', 'enterprise-attack-excerpt.json'), 'utf8');

describe('ATT&CK', () => {
  it('has the 14 enterprise tactics in kill-chain order, found by tag, id or old underscore form', () => {
    assert.equal(TACTICS.length, 14);
    assert.deepEqual(TACTICS.map((t) => t.id), ['TA0043', 'TA0042', 'TA0001', 'TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0007', 'TA0008', 'TA0009', 'TA0011', 'TA0010', 'TA0040']);
    assert.equal(tacticOf('credential_access')?.name, 'Credential Access');
    assert.equal(tacticOf('command-and-control')?.id, 'TA0011');
    assert.equal(tacticOf('ta0040')?.name, 'Impact');
    assert.equal(tacticOf('t1059'), undefined);
  });

  it('maps tags without a catalog: tactics by name, technique ids without names', () => {
    const c = new AttackCatalog();
    const m = c.map(['attack.t1059.001', 'attack.execution', 'attack.defense_evasion', 'attack.t1027', 'attack.g0016', 'cve.2021-1234', 'attack.T1059.001']);
    assert.deepEqual(m.tactics.map((t) => t.shortname), ['execution', 'defense-evasion']);
    assert.deepEqual(m.techniques, [{ id: 'T1027' }, { id: 'T1059.001', parent: 'T1059' }]);
    assert.deepEqual(ecsThreat(m, c), {
      framework: 'MITRE ATT&CK',
      tactic: { id: ['TA0002', 'TA0005'], name: ['Execution', 'Defense Evasion'], reference: ['https://attack.mitre.org/tactics/TA0002/', 'https://attack.mitre.org/tactics/TA0005/'] },
      technique: {
        id: ['T1027', 'T1059'], reference: ['https://attack.mitre.org/techniques/T1027/', 'https://attack.mitre.org/techniques/T1059/'],
        subtechnique: { id: ['T1059.001'], reference: ['https://attack.mitre.org/techniques/T1059/001/'] },
      },
    });
  });

  it('imports MITRE\'s STIX bundle: names, and tactics of techniques tagged without one', () => {
    const imp = parseAttackBundle(BUNDLE);
    assert.deepEqual([imp.tactics, imp.techniques, imp.skipped], [2, 3, 1]);
    const c = new AttackCatalog(imp.objects);
    const m = c.map(['attack.t1059.001']);
    assert.deepEqual(m.tactics.map((t) => t.id), ['TA0002']);
    const threat = ecsThreat(m, c);
    assert.deepEqual(threat.technique?.name, ['Command and Scripting Interpreter']);
    assert.deepEqual(threat.technique?.subtechnique?.name, ['PowerShell']);
    assert.deepEqual(threat.tactic?.name, ['Execution']);
    // A technique the bundle does not name keeps ids aligned by leaving the names out.
    assert.equal(ecsThreat(c.map(['attack.t1059.001', 'attack.t9999']), c).technique?.name, undefined);
  });

  it('rejects what is not an ATT&CK bundle', () => {
    assert.throws(() => parseAttackBundle('{"type": "bundle", "objects": [{"type": "identity"}]}'), StixBundleError);
    assert.throws(() => parseAttackBundle('[1,2]'), /not a STIX bundle/);
    assert.throws(() => parseAttackBundle('{"type": "bundle", "obj'), /not JSON/);
  });
});
