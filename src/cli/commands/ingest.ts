import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeclaredFormat } from '../../decode/types.js';
import type { DeclaredSource } from '../../ingest/declared-sources.js';
import { EntityResolver } from '../../enrich/entity-resolver.js';
import { IdentityDirectoryError, loadIdentityDirectory } from '../../enrich/identity-directory.js';
import type { WeftEvent } from '../../event/model.js';
import { expandInputs, readOutcomes } from '../../ingest/file-source.js';
import type { StoreSinkTotals } from '../../ingest/live/store-sink.js';
import { ALL_MAPPERS, UnknownSourceTypeError } from '../../normalize/registry.js';
import { holdLease, type HeldLease, type LeaseOptions } from '../../store/lease.js';
import type { QuarantineInput, SourceActivity, Store } from '../../store/types.js';
import type { WeftConfig } from '../../config/schema.js';
import { FieldCipher, FieldKeyError, loadFieldKeys } from '../../server/field-cipher.js';
import { commandContext, DATA_DIR_OPTION, openStore, UsageError } from '../context.js';
import { createProgress, type Progress } from '../progress.js';
import { parseDuration } from '../../config/duration.js';
import { checkSourceType, followFiles, runLiveSources } from './follow.js';
import { DECLARED_FORMATS, parseFormat } from '../formats.js';
import { CorrelationStage, correlationOptions, type CarryOutcome } from '../../hunt/correlate-stage.js';
import { INGEST_CORRELATION_CHECKPOINT } from '../../hunt/correlation-carry.js';
import { Detector, finishIntoStore, storeRuleVersions, type StoredRunSummary } from '../../hunt/store-alerting.js';
import { alertStageFor, configHash } from '../alerting.js';
import { checkOutputs, forwardAlerts, type ForwardSummary } from '../forwarding.js';
import { collect, loadRuleFiles, ruleSetFor, ruleSourcePaths } from '../rule-sources.js';

interface IngestOptions {
  sourceType?: string;
  format?: string;
  sourceId?: string;
  dryRun?: boolean;
  dataDir?: string;
  listSourceTypes?: boolean;
  timezone?: string;
  identities?: string;
  follow?: boolean;
  pollInterval?: string;
  fromEnd?: boolean;
  live?: boolean;
  rules?: string[];
  alerts?: boolean;
  suppressions?: string;
}

/** The store sink's totals, over these files. */
export interface IngestSummary extends StoreSinkTotals {
  files: number;
  /** Detection and alerting, when they ran. */
  detection?: { matches: number; correlations: number; forwarded?: ForwardSummary; correlationState?: CarryOutcome } & StoredRunSummary;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('decode, normalize and store log records from files, directories, globs or stdin (-)')
    .argument('[paths...]', 'files, directories, globs, or - for stdin')
    .option('--source-type <type>', 'declare the source type instead of detecting it per record (see --list-source-types)')
    .option('--format <format>', `declare the wire format: ${DECLARED_FORMATS.join(', ')}`)
    .option('--source-id <id>', 'source id for every input (default: the file path; stdin for -)')
    .option('--identities <file>', 'identity directory (YAML) for entity resolution (default: enrich.identities in the config)')
    .option('--timezone <zone>', 'zone for timestamps that carry none (default: ingest.timezone in the config, else UTC)')
    .option('--rules <path>', 'rule file or directory, repeatable (default: rules.paths in the config, else the bundled rule pack)', collect)
    .option('--suppressions <file>', 'suppression rules and allowlist, YAML (default: alert.suppressions in the config)')
    .option('--no-alerts', 'store events only: no detection, alerts or incidents')
    .option('--dry-run', 'store nothing; print one JSON line per input record: the ECS event, or {"quarantine": ...}')
    .option('--list-source-types', 'list the source types Weft can normalize and exit')
    .option('--follow', 'keep following the files (appends, rotation) until Ctrl-C/SIGTERM; positions kept in the store')
    .option('--poll-interval <duration>', 'with --follow: how often files are checked (default 1s)')
    .option('--from-end', 'with --follow: start at the end of files never followed before')
    .option('--live', 'run the configured live sources (ingest.listeners: syslog UDP/TCP/TLS; ingest.tail: files) into the store until Ctrl-C/SIGTERM')
    .option(...DATA_DIR_OPTION)
    .action(async (paths: string[], opts: IngestOptions, cmd: Command) => {
      if (opts.listSourceTypes) {
        for (const m of ALL_MAPPERS) process.stdout.write(`${m.sourceType.padEnd(12)} ${m.description}\n`);
        return;
      }
      if (opts.live) {
        if (paths.length > 0 || opts.follow || opts.dryRun) throw new UsageError('--live takes its sources from the configuration: no paths, --follow or --dry-run with it');
        const ctx = await commandContext(cmd, opts);
        const store = await openStore(ctx.config, ctx.logger);
        try {
          const totals = await runLiveSources(ctx.config, store, ctx.logger, { resolver: entityResolver(opts.identities ?? ctx.config.enrich.identities) });
          printSummary({ ...totals, files: 0 }, { files: false });
        } finally {
          await store.close();
        }
        return;
      }
      if (paths.length === 0) throw new UsageError('ingest needs at least one path (or - for stdin)');
      const format = parseFormat(opts.format);
      // Refused before the store is opened: opening it would create the data directory for nothing.
      if (opts.sourceType !== undefined) checkSourceType(opts.sourceType);
      const ctx = await commandContext(cmd, opts);
      const reading: RecordReadOptions = {
        ...(opts.sourceType !== undefined ? { sourceType: opts.sourceType } : {}),
        ...(format !== undefined ? { format } : {}),
        ...(opts.sourceId !== undefined ? { sourceId: opts.sourceId } : {}),
        timezone: opts.timezone ?? ctx.config.ingest.timezone,
        // --timezone is for these inputs: it wins over a declared source's zone.
        sources: opts.timezone === undefined ? ctx.config.ingest.sources : ctx.config.ingest.sources.map((s) => withoutZone(s)),
        maxRecordBytes: ctx.config.ingest.max_record_bytes,
        batchSize: ctx.config.ingest.batch_size,
        resolver: entityResolver(opts.identities ?? ctx.config.enrich.identities),
      };
      if (opts.follow) {
        if (opts.dryRun) throw new UsageError('--follow stores what it reads; it cannot be combined with --dry-run');
        const pollIntervalMs = opts.pollInterval === undefined ? 1000 : parseDuration(opts.pollInterval);
        if (pollIntervalMs === undefined || pollIntervalMs < 10) throw new UsageError(`--poll-interval: expected a duration of at least 10ms such as 500ms or 2s, got '${opts.pollInterval}'`);
        const store = await openStore(ctx.config, ctx.logger);
        try {
          const totals = await followFiles(paths, store, {
            ...reading,
            pollIntervalMs,
            startAt: opts.fromEnd ? 'end' : 'beginning',
            logger: ctx.logger,
          });
          ctx.logger.info({ totals }, 'follow stopped');
          printSummary({ ...totals, files: paths.length });
        } finally {
          await store.close();
        }
        return;
      }
      const files = await expandInputs(paths);
      const store = opts.dryRun ? undefined : await openStore(ctx.config, ctx.logger);
      try {
        // Everything that can refuse the configuration comes before detectionFor takes the lease.
        const encryption = sensitiveFieldEncryption(ctx.config);
        const detect = store !== undefined && opts.alerts !== false ? await detectionFor(store, ctx.config, opts) : undefined;
        const summary = await ingestFiles(files, store, {
          ...reading,
          dryRun: opts.dryRun === true,
          ...(detect !== undefined ? { detect } : {}),
          ...encryption,
        });
        ctx.logger.info({ summary }, 'ingest finished');
        if (!opts.dryRun) printSummary(summary);
      } finally {
        await store?.close();
      }
    });
}

/** How records are read and batched: the same for a one-off ingest and for --follow. */
export interface RecordReadOptions {
  sourceType?: string;
  format?: DeclaredFormat;
  sourceId?: string;
  timezone: string;
  /** `ingest.sources`: type, format and zone by source id, where the options set none. */
  sources?: readonly DeclaredSource[];
  maxRecordBytes: number;
  batchSize: number;
  resolver?: EntityResolver;
}

function withoutZone(s: DeclaredSource): DeclaredSource {
  const out: DeclaredSource = { id: s.id };
  if (s.type !== undefined) out.type = s.type;
  if (s.format !== undefined) out.format = s.format;
  return out;
}

export interface IngestFilesOptions extends RecordReadOptions {
  dryRun: boolean;
  out?: NodeJS.WritableStream;
  sourceIdFor?: (file: string) => string;
  /** Applied to each batch before it is stored (sensitive-field encryption). */
  beforeStore?: (events: WeftEvent[]) => void;
  /** Run detection, alerting and incidents over the events and store them (needs a store). */
  detect?: IngestDetection;
}

export interface IngestDetection {
  detector: Detector;
  suppressionWindowMs: number;
  incidentWindowMs: number;
  configHash: string;
  /** Forward the run's alerts to the configured outputs (alert.outputs). */
  config?: WeftConfig;
  /** The correlation state the previous ingest run into this store left (its carry), if any. */
  previousCorrelation?: Uint8Array;
  /** Held from reading that state until this run's is saved: runs into one store take turns. */
  lease?: HeldLease;
}

/** The lease `weft ingest` runs hold around the correlation state they carry (see store/lease.ts). */
export const INGEST_CORRELATION_LEASE = 'ingest:correlation';

/** Tells the user why a run is not starting: another run into the same store holds the correlation state. */
export function printLeaseWait(holder: string, expiresAtMs: number): void {
  process.stderr.write(`waiting      another weft ingest run into this store (${holder}) holds its correlation state; this run goes on when it finishes (or at the latest when its lease ends unrenewed, ${new Date(expiresAtMs).toISOString()})\n`);
}

/** The rule set, correlation stage and alert stage for an ingest into this store; rule versions are stored for replay. */
export async function detectionFor(store: Store, config: WeftConfig, flags: { rules?: string[]; suppressions?: string }, lease: LeaseOptions = {}): Promise<IngestDetection> {
  checkOutputs(config);
  // Read once (through the parse cache) for the rule set and for the versions stored for replay.
  const loaded = loadRuleFiles(ruleSourcePaths(flags, config).rulePaths);
  const built = ruleSetFor(flags, config, loaded);
  const { rulePaths } = built;
  const corr = CorrelationStage.build(rulePaths, built, correlationOptions(config));
  const stage = alertStageFor({
    config, correlations: corr.stage?.definitions ?? [], assets: await store.listAssets(), attack: await store.listAttackObjects(),
    ...(flags.suppressions !== undefined ? { suppressionsFile: flags.suppressions } : {}),
  });
  await storeRuleVersions(store, rulePaths, (f) => stage.versions.ofFile(f), new Date().toISOString(), loaded);
  let held: HeldLease | undefined;
  let previous;
  if (corr.stage !== undefined) {
    // Taken before the state is read: a run that started meanwhile waits for this one's state.
    held = await holdLease(store, INGEST_CORRELATION_LEASE, { onWait: printLeaseWait, ...lease });
    try {
      previous = await store.loadCheckpoint(INGEST_CORRELATION_CHECKPOINT);
    } catch (e) {
      await held.release();
      throw e;
    }
  }
  return {
    ...(held !== undefined ? { lease: held } : {}),
    ...(previous !== undefined ? { previousCorrelation: previous.state } : {}),
    detector: new Detector(built.ruleSet, stage, corr.stage),
    suppressionWindowMs: config.alert.suppression_window,
    incidentWindowMs: config.alert.incident_window,
    configHash: configHash(config),
    config,
  };
}

/** The ingest loop: events and quarantine are written in batches, each batch in one transaction. */
export async function ingestFiles(files: string[], store: Store | undefined, o: IngestFilesOptions): Promise<IngestSummary> {
  const out = o.out ?? process.stdout;
  const summary: IngestSummary = { files: files.length, records: 0, events: 0, stored: 0, duplicates: 0, quarantined: 0, quarantinedByReason: {} };
  let progress: Progress | undefined;
  let events: WeftEvent[] = [];
  let quarantine: QuarantineInput[] = [];
  const activity = new Map<string, SourceActivity>();
  let doneBytes = 0;
  const flush = async (): Promise<void> => {
    if (!store) return;
    if (events.length > 0) {
      o.beforeStore?.(events);
      const r = await store.appendEvents(events);
      summary.stored += r.inserted;
      summary.duplicates += r.duplicates;
    }
    if (quarantine.length > 0) await store.addQuarantine(quarantine);
    // Baseline observations go to the store with their batch, so memory holds one batch's worth.
    if (o.detect !== undefined) await store.mergeBaselines(o.detect.detector.stage.baseline.drain());
    if (activity.size > 0) await store.recordSourceActivity([...activity.values()]);
    events = [];
    quarantine = [];
    activity.clear();
  };
  try {
    // Inside the try: a file gone since it was listed still gives the correlation lease up (finally).
    const totalBytes = files.reduce((n, f) => (f === '-' ? n : n + statSync(f).size), 0);
    progress = o.dryRun ? createProgress(0, '') : createProgress(totalBytes, 'ingest');
    let lastFile = '';
    for await (const batch of readOutcomes(files, {
      ...(o.sourceType !== undefined ? { sourceType: o.sourceType } : {}),
      ...(o.format !== undefined ? { format: o.format } : {}),
      ...(o.sourceId !== undefined ? { sourceId: o.sourceId } : {}),
      timezone: o.timezone,
      ...(o.sources !== undefined ? { sources: o.sources } : {}),
      maxRecordBytes: o.maxRecordBytes,
      ...(o.resolver !== undefined ? { resolver: o.resolver } : {}),
      ...(o.sourceIdFor !== undefined ? { sourceIdFor: o.sourceIdFor } : {}),
    })) {
      if (batch.file !== lastFile) {
        if (lastFile !== '' && lastFile !== '-') doneBytes += statSync(lastFile).size;
        lastFile = batch.file;
      }
      summary.records += batch.records;
      for (const oc of batch.outcomes) {
        if (oc.kind === 'event') {
          summary.events++;
          if (o.dryRun) out.write(`${JSON.stringify(oc.event)}\n`);
          else {
            events.push(oc.event);
            o.detect?.detector.process(oc.event);
          }
          const a = sourceActivity(activity, oc.event.weft.source_id, oc.event.weft.source_type);
          a.events++;
        } else {
          summary.quarantined++;
          const q = oc.quarantine;
          summary.quarantinedByReason[q.reason] = (summary.quarantinedByReason[q.reason] ?? 0) + 1;
          if (o.dryRun) {
            out.write(`${JSON.stringify({ quarantine: { reason: q.reason, message: q.message, original: typeof q.raw === 'string' ? q.raw : Buffer.from(q.raw).toString('utf8') } })}\n`);
          } else {
            quarantine.push(q);
          }
          sourceActivity(activity, q.sourceId, q.sourceType).quarantined++;
        }
      }
      if (events.length + quarantine.length >= o.batchSize) await flush();
      progress.update(doneBytes + batch.bytesRead, summary.records);
    }
    await flush();
    if (o.detect !== undefined && store !== undefined) {
      const d = o.detect;
      // Correlation windows continue across ingest runs into one store: a brute force in one run's
      // log and its successful login in the next are one alert, as in a single run over both.
      const settled = d.detector.settleContinuing(d.previousCorrelation);
      const { run, summary: stored } = await finishIntoStore(d.detector.stage, store, d);
      // Saved after the alerts: a run that fails before it leaves the previous state for the next.
      // Only while the lease is still this run's: one paused past its end may have been overtaken,
      // and the state the other run saved is then the one to keep.
      if (settled.carry !== undefined) {
        if (d.lease === undefined || await d.lease.confirm()) {
          await store.saveCheckpoint({ name: INGEST_CORRELATION_CHECKPOINT, position: d.detector.correlate?.engine.position ?? 0, state: settled.carry });
        } else {
          settled.outcome = { kind: 'not_carried', holder: d.lease.lostTo ?? '' };
        }
      }
      const forwarded = d.config !== undefined && (d.config.alert.outputs.webhook !== undefined || d.config.alert.outputs.syslog !== undefined)
        ? await forwardAlerts(run.alerts, d.config) : undefined;
      summary.detection = {
        matches: d.detector.matches, correlations: settled.count, ...stored,
        ...(forwarded !== undefined ? { forwarded } : {}), ...(settled.outcome !== undefined ? { correlationState: settled.outcome } : {}),
      };
    }
  } catch (err) {
    if (err instanceof UnknownSourceTypeError) throw new UsageError(err.message);
    throw err;
  } finally {
    progress?.stop();
    await o.detect?.lease?.release();
  }
  return summary;
}

function sourceActivity(m: Map<string, SourceActivity>, id: string, type: string | undefined): SourceActivity {
  let a = m.get(id);
  if (!a) {
    a = { id, events: 0, quarantined: 0, seenAt: new Date().toISOString(), ...(type !== undefined ? { type } : {}) };
    m.set(id, a);
  }
  return a;
}

/** With server.sensitive_fields set, events are encrypted before they are stored, as `weft serve` does. */
export function sensitiveFieldEncryption(config: WeftConfig): { beforeStore?: (events: WeftEvent[]) => void } {
  if (config.server.sensitive_fields.length === 0) return {};
  try {
    const cipher = new FieldCipher(config.server.sensitive_fields, loadFieldKeys(config.server.field_key_file !== undefined ? { keyFile: config.server.field_key_file } : {}));
    return { beforeStore: (events) => { for (const e of events) cipher.encryptEvent(e); } };
  } catch (err) {
    if (err instanceof FieldKeyError) throw new UsageError(err.message);
    throw err;
  }
}

/** The entity resolver for a directory file; without one, names are still canonicalized. */
export function entityResolver(identities: string | undefined): EntityResolver {
  if (identities === undefined) return new EntityResolver();
  try {
    return new EntityResolver(loadIdentityDirectory(identities));
  } catch (err) {
    if (err instanceof IdentityDirectoryError) throw new UsageError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`identity directory not found: ${identities}`);
    throw err;
  }
}

export function printSummary(s: IngestSummary, opts: { files?: boolean } = {}): void {
  const lines = [
    ...(opts.files === false ? [] : [`files        ${s.files}`]),
    `records      ${s.records}`,
    `events       ${s.events} (${s.stored} stored, ${s.duplicates} already stored)`,
    `quarantined  ${s.quarantined}`,
    ...Object.entries(s.quarantinedByReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${r.padEnd(40)} ${n}`),
    ...(s.detection !== undefined ? [
      `detections   ${s.detection.matches} rule matches, ${s.detection.correlations} correlation alerts`,
      ...carryLine(s.detection.correlationState),
      `alerts       ${s.detection.created} created, ${s.detection.deduplicated} deduplicated, ${s.detection.suppressed} suppressed (${s.detection.alertsWritten} stored)`,
      `incidents    ${s.detection.incidents}`,
      `audit        ${s.detection.auditEntries} alert decisions recorded`,
      ...(s.detection.forwarded !== undefined ? [
        `forwarded    ${s.detection.forwarded.webhook} to the webhook, ${s.detection.forwarded.syslog} over syslog${s.detection.forwarded.failures.length > 0 ? `; ${s.detection.forwarded.failures.length} failed` : ''}`,
        ...s.detection.forwarded.failures.slice(0, 5).map((f) => `  ${f}`),
      ] : []),
    ] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What the summary says of the previous run's correlation state, when there was one. */
function carryLine(o: CarryOutcome | undefined): string[] {
  switch (o?.kind) {
    case 'continued':
      return [`correlation  continued the previous ingest run's open windows${o.dropped.length > 0 ? ` (${o.dropped.length} changed or removed correlations started over)` : ''}`];
    case 'not_continuous':
      return [`correlation  started afresh: these events begin at ${o.earliest}, before the previous run's watermark ${o.watermark}, so they are correlated among themselves`];
    case 'unreadable':
      return [`correlation  started afresh: the previous run's state could not be read (${o.reason})`];
    case 'not_carried':
      return [`correlation  not carried on: this run was paused past its lease and another ingest run (${o.holder}) took the store's correlation state over; that run's state is kept, and this run's open windows end here`];
    default:
      return [];
  }
}
