/**
 * The example day (every source) cut in two at an instant and ingested as two `weft ingest` runs
 * into one store gives the alerts and incidents of one run over the whole day. The cuts fall inside
 * the Okta password spray, the MFA push fatigue and the SSH brute force, so each of their correlation
 * windows is open when the first run ends. Before runs carried correlation state, the brute force was
 * lost at 03:10:50 and the other two alerts came out with fewer or other events.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { detectionFor, ingestFiles } from '../../src/cli/commands/ingest.js';
import { loadConfig } from '../../src/config/load.js';
import { EntityResolver } from '../../src/enrich/entity-resolver.js';
import { loadIdentityDirectory } from '../../src/enrich/identity-directory.js';
import { expandInputs } from '../../src/ingest/file-source.js';
import { RecordPipeline } from '../../src/ingest/record-pipeline.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const { config } = loadConfig({ cwd: tmpdir(), env: {} });

interface Outcome {
  /** Per run: how it took up the previous run's state, and the correlation alerts it reported. */
  runs: string[];
  /** Every stored alert: id, rule, window, count and events. */
  alerts: string[];
  /** Every stored incident: its id and its alerts' ids. */
  incidents: string[];
}

describe('the example day ingested in two runs, cut inside its attacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-split-day-'));
  const scenario = join(dir, 'scenario');
  let files: string[] = [];
  let whole: Outcome;

  /** Ingest `runs` (file lists) one after another into a new store; `sourceIds` keeps each part's id that of the day's file. */
  async function ingest(runs: string[][], sourceIds: ReadonlyMap<string, string>): Promise<Outcome> {
    const store = new SqliteStore({ path: join(mkdtempSync(join(dir, 'store-')), 'weft.db'), synchronous: 'normal' });
    await store.migrate();
    const out: Outcome = { runs: [], alerts: [], incidents: [] };
    try {
      for (const run of runs) {
        const s = await ingestFiles(run, store, {
          timezone: 'UTC', maxRecordBytes: config.ingest.max_record_bytes, batchSize: 1000, dryRun: false,
          resolver: new EntityResolver(loadIdentityDirectory(join(scenario, 'identities.yaml'))),
          sourceIdFor: (f) => sourceIds.get(f) ?? relative(scenario, f), detect: await detectionFor(store, config, {}),
        });
        out.runs.push(`${s.detection?.correlationState?.kind} ${s.detection?.correlations}`);
      }
      for (const a of (await store.listAlerts({ limit: 10_000 })).items) {
        const events = (a.doc as { events: string[] }).events;
        out.alerts.push(`${a.id} ${a.ruleId} ${new Date(a.firstTs).toISOString()}..${new Date(a.lastTs).toISOString()} x${a.count} ${events.join(',')}`);
      }
      const alertsOf = new Map<string, string[]>();
      for (const a of (await store.listAlerts({ limit: 10_000 })).items) if (a.incidentId !== undefined) alertsOf.set(a.incidentId, [...(alertsOf.get(a.incidentId) ?? []), a.id]);
      for (const i of (await store.listIncidents({ limit: 10_000 })).items) out.incidents.push(`${i.id}: ${(alertsOf.get(i.id) ?? []).sort().join(',')}`);
      out.alerts.sort();
      out.incidents.sort();
      return out;
    } finally {
      await store.close();
    }
  }

  before(async () => {
    runScenarioCommand({ out: scenario });
    files = (await expandInputs([scenario])).filter((f) => !f.endsWith('identities.yaml') && !f.endsWith('ground-truth.json'));
    whole = await ingest([files], new Map());
  });

  for (const cutAt of ['2026-03-10T02:15:00Z', '2026-03-10T02:29:30Z', '2026-03-10T03:10:50Z']) {
    it(`cut at ${cutAt.slice(11, 19)}: the same alerts (ids, windows, counts, events) and incidents as one run`, async () => {
      const cut = Date.parse(cutAt);
      const pipeline = new RecordPipeline({ sourceId: 'cut', timezone: 'UTC' });
      const timeOf = (record: string): number => {
        for (const o of pipeline.process(record, new Date('2026-03-11T00:00:00Z'))) if (o.kind === 'event') return Date.parse(o.event['@timestamp']);
        throw new Error(`no event in ${record.slice(0, 80)}`);
      };
      const runs: [string[], string[]] = [[], []];
      const sourceIds = new Map<string, string>();
      for (const f of files) {
        const rel = relative(scenario, f);
        const text = readFileSync(f, 'utf8');
        // The file's records before the cut, then the rest, each written back in the file's own format.
        let part: (early: boolean) => string;
        if (rel.startsWith('cloudtrail/')) {
          const records = (JSON.parse(text) as { Records: Array<{ eventTime: string }> }).Records;
          part = (early) => JSON.stringify({ Records: records.filter((r) => Date.parse(r.eventTime) < cut === early) });
        } else {
          // evtx_dump documents are pretty-printed, one after another: cut between them, so each
          // keeps its text (an event's id is a digest of its record as read).
          const records = (rel.startsWith('windows/') ? text.split(/\n(?=\{\n)/).map((d) => d.trimEnd()) : text.split('\n')).filter((r) => r.trim() !== '');
          part = (early) => records.filter((r) => timeOf(r) < cut === early).map((r) => `${r}\n`).join('');
        }
        for (const [k, content] of [part(true), part(false)].entries()) {
          if (content === '' || content === '{"Records":[]}') continue;
          const p = join(dir, `${cutAt.slice(11, 19).replaceAll(':', '')}-${k}`, rel);
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, content);
          (runs[k] as string[]).push(p);
          sourceIds.set(p, rel);
        }
      }
      const split = await ingest(runs, sourceIds);
      // The second run continued the first's windows, and between them they reported what one run did.
      assert.match(split.runs[1] ?? '', /^continued /);
      const reported = split.runs.reduce((n, r) => n + Number(r.split(' ')[1]), 0);
      assert.equal(reported, Number(whole.runs[0]?.split(' ')[1]));
      assert.deepEqual(split.alerts, whole.alerts);
      assert.deepEqual(split.incidents, whole.incidents);
    });
  }

  it('one run over the day: 69 alerts in 4 incidents, 5 correlation alerts', () => {
    assert.deepEqual([whole.alerts.length, whole.incidents.length, whole.runs], [69, 4, ['none 5']]);
  });
});
