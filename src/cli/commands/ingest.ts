import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeclaredFormat } from '../../decode/types.js';
import { EntityResolver } from '../../enrich/entity-resolver.js';
import { IdentityDirectoryError, loadIdentityDirectory } from '../../enrich/identity-directory.js';
import type { WeftEvent } from '../../event/model.js';
import { expandInputs, readOutcomes } from '../../ingest/file-source.js';
import { ALL_MAPPERS, UnknownSourceTypeError } from '../../normalize/registry.js';
import type { QuarantineInput, SourceActivity, Store } from '../../store/types.js';
import type { WeftConfig } from '../../config/schema.js';
import { FieldCipher, FieldKeyError, loadFieldKeys } from '../../server/field-cipher.js';
import { commandContext, DATA_DIR_OPTION, openStore, UsageError } from '../context.js';
import { createProgress } from '../progress.js';
import { DECLARED_FORMATS, parseFormat } from '../formats.js';

interface IngestOptions {
  sourceType?: string;
  format?: string;
  sourceId?: string;
  dryRun?: boolean;
  dataDir?: string;
  listSourceTypes?: boolean;
  timezone?: string;
  identities?: string;
}

export interface IngestSummary {
  files: number;
  records: number;
  events: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
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
    .option('--dry-run', 'store nothing; print one JSON line per input record: the ECS event, or {"quarantine": ...}')
    .option('--list-source-types', 'list the source types Weft can normalize and exit')
    .option(...DATA_DIR_OPTION)
    .action(async (paths: string[], opts: IngestOptions, cmd: Command) => {
      if (opts.listSourceTypes) {
        for (const m of ALL_MAPPERS) process.stdout.write(`${m.sourceType.padEnd(12)} ${m.description}\n`);
        return;
      }
      if (paths.length === 0) throw new UsageError('ingest needs at least one path (or - for stdin)');
      const format = parseFormat(opts.format);
      const ctx = await commandContext(cmd, opts);
      const files = await expandInputs(paths);
      const store = opts.dryRun ? undefined : await openStore(ctx.config);
      try {
        const summary = await ingestFiles(files, store, {
          ...(opts.sourceType !== undefined ? { sourceType: opts.sourceType } : {}),
          ...(format !== undefined ? { format } : {}),
          ...(opts.sourceId !== undefined ? { sourceId: opts.sourceId } : {}),
          timezone: opts.timezone ?? ctx.config.ingest.timezone,
          maxRecordBytes: ctx.config.ingest.max_record_bytes,
          batchSize: ctx.config.ingest.batch_size,
          dryRun: opts.dryRun === true,
          resolver: entityResolver(opts.identities ?? ctx.config.enrich.identities),
          ...sensitiveFieldEncryption(ctx.config),
        });
        ctx.logger.info({ summary }, 'ingest finished');
        if (!opts.dryRun) printSummary(summary);
      } finally {
        await store?.close();
      }
    });
}

export interface IngestFilesOptions {
  sourceType?: string;
  format?: DeclaredFormat;
  sourceId?: string;
  timezone: string;
  maxRecordBytes: number;
  batchSize: number;
  dryRun: boolean;
  out?: NodeJS.WritableStream;
  resolver?: EntityResolver;
  sourceIdFor?: (file: string) => string;
  /** Applied to each batch before it is stored (sensitive-field encryption). */
  beforeStore?: (events: WeftEvent[]) => void;
}

/** The ingest loop: events and quarantine are written in batches, each batch in one transaction. */
export async function ingestFiles(files: string[], store: Store | undefined, o: IngestFilesOptions): Promise<IngestSummary> {
  const out = o.out ?? process.stdout;
  const summary: IngestSummary = { files: files.length, records: 0, events: 0, stored: 0, duplicates: 0, quarantined: 0, quarantinedByReason: {} };
  const totalBytes = files.reduce((n, f) => (f === '-' ? n : n + statSync(f).size), 0);
  const progress = o.dryRun ? createProgress(0, '') : createProgress(totalBytes, 'ingest');
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
    if (activity.size > 0) await store.recordSourceActivity([...activity.values()]);
    events = [];
    quarantine = [];
    activity.clear();
  };
  try {
    let lastFile = '';
    for await (const batch of readOutcomes(files, {
      ...(o.sourceType !== undefined ? { sourceType: o.sourceType } : {}),
      ...(o.format !== undefined ? { format: o.format } : {}),
      ...(o.sourceId !== undefined ? { sourceId: o.sourceId } : {}),
      timezone: o.timezone,
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
          else events.push(oc.event);
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
  } catch (err) {
    if (err instanceof UnknownSourceTypeError) throw new UsageError(err.message);
    throw err;
  } finally {
    progress.stop();
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

export function printSummary(s: IngestSummary): void {
  const lines = [
    `files        ${s.files}`,
    `records      ${s.records}`,
    `events       ${s.events} (${s.stored} stored, ${s.duplicates} already stored)`,
    `quarantined  ${s.quarantined}`,
    ...Object.entries(s.quarantinedByReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${r.padEnd(40)} ${n}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
