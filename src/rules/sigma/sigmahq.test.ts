/**
 * The whole SigmaHQ rule set: load, validate and compile every rule; check the regression events
 * SigmaHQ ships (real Windows events) fire their rules; check prefilter literals are sound on them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { evtxResolver, splitJsonDocuments } from '../../../test/support/evtx.js';
import { requireSharedData } from '../../../test/support/shared-data.js';
import { pathResolver } from '../../../test/support/sigma.js';
import type { RuleRejection } from '../types.js';
import { compileRule, eventText, isRejection, loadRules, type CompiledRule, type SigmaRule } from './index.js';

const root = requireSharedData('sigma');

/**
 * Samples where SigmaHQ's info.yml says match_count 1 but the sample holds more events the rule
 * plainly matches (checked by hand): the count here is the number of matching events.
 * - anydesk: three TargetFilename values contain '\AppData\Roaming\AnyDesk\user.conf'
 * - cred_dump_tools: procdump.exe, procdump64.exe and procdump64a.exe all end a TargetFilename
 * - github_self_hosted_runner: one Runner.Listener 'configure' and one Runner.Worker 'spawnclient'
 */
const HAND_CHECKED_COUNTS: Record<string, number> = {
  'file_event_win_anydesk_artefact.yml': 3,
  'file_event_win_cred_dump_tools_dropped_files.yml': 3,
  'proc_creation_win_github_self_hosted_runner.yml': 2,
};

function bucket(reason: string): string {
  return reason.replace(/'[^']*'/g, "'…'");
}

describe('SigmaHQ rule set', { skip: root === undefined ? 'shared data missing' : false }, () => {
  const dirs = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => `${root}/${d}`);
  let loaded: ReturnType<typeof loadRules>;
  let loadMs = 0;
  const compiled = new Map<string, CompiledRule>();
  const rejections: RuleRejection[] = [];

  it('loads and compiles at least 99.5% of the rules, every rejection with a reason', () => {
    const t0 = performance.now();
    loaded = loadRules(dirs);
    loadMs = performance.now() - t0;
    const t1 = performance.now();
    for (const rule of loaded.rules) {
      const c = compileRule(rule, { resolver: pathResolver });
      if (isRejection(c)) rejections.push(c);
      else compiled.set(rule.id ?? rule.title, c);
    }
    const compileMs = performance.now() - t1;
    rejections.push(...loaded.rejections);
    const total = loaded.rules.length + loaded.rejections.length;
    const byReason = new Map<string, number>();
    for (const r of rejections) byReason.set(bucket(r.reason), (byReason.get(bucket(r.reason)) ?? 0) + 1);
    console.log(`SigmaHQ: ${total} documents, ${compiled.size} compiled, ${rejections.length} rejected; load ${Math.round(loadMs)} ms, compile ${Math.round(compileMs)} ms`);
    for (const [reason, n] of [...byReason].sort((a, b) => b[1] - a[1])) console.log(`  ${n} x ${reason}`);
    for (const r of rejections) console.log(`  ${r.file}:${r.line} ${r.reason}`);
    assert.ok(total > 3500, `expected the full rule set, found ${total}`);
    assert.ok(compiled.size / total >= 0.995, `${compiled.size}/${total} compiled`);
    for (const r of rejections) {
      assert.ok(r.reason.length > 10 && r.file.length > 0, `rejection without a reason: ${JSON.stringify(r)}`);
    }
    // The expected ones: a placeholder no one configured, and one rule with a modifier on a search identifier.
    assert.deepEqual([...byReason.keys()].sort(), [
      "placeholder '…' has no value (configure it in placeholders)",
      "search identifier '…' contains '…': modifiers belong on field names, not on search identifiers",
    ]);
    // Target: under 3 s on an idle machine (measured ~0.8 s); the bound leaves room for loaded CI hosts.
    assert.ok(compileMs < 6000, `compile took ${compileMs} ms`);
  });

  it('compiles the placeholder rules once placeholder values are configured', () => {
    const r = loadRules([`${root}/rules-placeholder`]);
    assert.deepEqual(r.rejections, []);
    const names = new Set<string>();
    for (const rule of r.rules) {
      for (const m of JSON.stringify(rule.detection).matchAll(/%([A-Za-z0-9_.-]+)%/g)) names.add(m[1] as string);
    }
    const missing = r.rules.map((rule) => compileRule(rule, { resolver: pathResolver })).filter(isRejection);
    assert.ok(missing.length > 0 && missing.every((x) => /placeholder '%[^%]+%' has no value/.test(x.reason)));
    const placeholders = Object.fromEntries([...names].map((n) => [n, [`value-of-${n}`]]));
    const all = r.rules.map((rule) => compileRule(rule, { resolver: pathResolver, placeholders }));
    assert.deepEqual(all.filter(isRejection), []);
  });

  it('fires every rule on the regression events SigmaHQ ships with it, and its literals are in them', () => {
    const regression = `${root}/regression_data`;
    const infos = execFileSync('find', [regression, '-name', 'info.yml']).toString().trim().split('\n').sort();
    assert.ok(infos.length > 100);
    const byId = new Map<string, SigmaRule>(loaded.rules.filter((r) => r.id).map((r) => [r.id as string, r]));
    let events = 0;
    const misses: string[] = [];
    for (const info of infos) {
      const meta = parse(readFileSync(info, 'utf8')) as {
        rule_metadata: Array<{ id: string }>;
        regression_tests_info: Array<{ type: string; match_count?: number }>;
      };
      const id = meta.rule_metadata[0]!.id;
      const rule = byId.get(id);
      assert.ok(rule, `rule ${id} of ${info} loaded`);
      let text: string;
      try {
        text = readFileSync(info.replace(/info\.yml$/, `${id}.json`), 'utf8');
      } catch {
        continue; // a few tests ship only a raw (non-evtx) sample
      }
      const c = compileRule(rule, { resolver: evtxResolver });
      if (isRejection(c)) assert.fail(`${rule.file}: ${c.reason}`);
      let matched = 0;
      for (const ev of splitJsonDocuments(text)) {
        events++;
        if (!c.predicate(ev)) continue;
        matched++;
        assert.ok(c.explain(ev)!.selections.length > 0);
        const hay = eventText(ev).joinedLower;
        for (const clause of c.requiredLiterals) {
          assert.ok(clause.some((l) => hay.includes(l)), `${rule.file}: no literal of ${JSON.stringify(clause)} in the event`);
        }
      }
      // SigmaHQ's own expectation: how many events of the sample the rule matches (1 when unstated).
      const expected = HAND_CHECKED_COUNTS[rule.file.split('/').pop() as string] ?? meta.regression_tests_info[0]?.match_count ?? 1;
      if (matched !== expected) misses.push(`${rule.file}: matched ${matched}, SigmaHQ expects ${expected}`);
    }
    console.log(`regression events: ${events}, missed: ${misses.length}`);
    assert.deepEqual(misses, []);
    assert.ok(events >= 130, `${events} events`);
  });
});
