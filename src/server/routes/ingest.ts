/**
 * HTTP ingest: `POST /api/v1/ingest` (NDJSON, a JSON array, or raw lines with a declared format and
 * source type) and OTLP/HTTP logs (`POST /v1/logs`, JSON or protobuf). The answer comes only after
 * the batch is committed to the store: 202 for Weft's endpoint, 200 as OTLP/HTTP requires. When the
 * ingest queue is full the request is refused with 429 and Retry-After before its body is read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DECLARED_FORMATS } from '../../cli/formats.js';
import type { DeclaredFormat } from '../../decode/types.js';
import { frameRecordBatches, type FramedRecord, type FramingMode } from '../../ingest/framing.js';
import { ALL_MAPPERS, UnknownSourceTypeError } from '../../normalize/registry.js';
import type { ServerContext } from '../context.js';
import type { CommitResult, IngestMeta } from '../../ingest/ingest-writer.js';
import { ApiError, badRequest, tooMany } from '../errors.js';
import type { RouteTable } from '../route.js';

const SOURCE_TYPES = ALL_MAPPERS.map((m) => m.sourceType);
const sourceId = z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
/** Admission for an OTLP request, whose record count is unknown before decoding: one per this many bytes. */
const OTLP_BYTES_PER_RECORD = 256;

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function refuseWhenFull(ctx: ServerContext): void {
  if (ctx.writer.full) {
    ctx.metrics.ingestRejected.inc({ reason: 'busy' });
    throw tooMany(`ingest queue is full (${ctx.writer.pendingRecords} records pending); retry after the given seconds`, 1);
  }
}

async function frame(body: Buffer, mode: FramingMode, maxRecordBytes: number): Promise<FramedRecord[]> {
  const out: FramedRecord[] = [];
  const one = (async function* () { yield body; })();
  for await (const batch of frameRecordBatches(one, { mode, maxRecordBytes })) for (const r of batch) out.push(r);
  return out;
}

/** Admit and hand the framed records of one request to the writer. */
function submitFramed(ctx: ServerContext, records: FramedRecord[], meta: IngestMeta): { count: number; submitted: Promise<CommitResult> } {
  const count = records.length;
  if (count === 0) throw badRequest('body holds no records (only blank lines)');
  const permit = ctx.writer.tryAcquire(count);
  if (!permit) {
    ctx.metrics.ingestRejected.inc({ reason: 'busy' });
    throw tooMany(`ingest queue is full (${ctx.writer.pendingRecords} records pending); retry after the given seconds`, 1);
  }
  ctx.metrics.events.inc({ source: ctx.metrics.sourceLabel(meta.sourceId), stage: 'received' }, count);
  return { count, submitted: ctx.writer.submit(records, meta, permit) };
}

/** Content types whose bodies ingest takes as bytes; framing follows the type. */
function framingFor(contentType: string | undefined): FramingMode {
  const t = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (t === 'application/json') return 'json-stream';
  if (t === 'application/x-ndjson' || t === 'application/ndjson' || t === 'application/jsonl' || t === 'text/plain') return 'lines';
  return 'auto';
}

/** The ingest routes take raw bytes, so they live in their own scope with a byte parser. */
export function ingestScope(app: FastifyInstance, tableFor: (scope: FastifyInstance) => RouteTable, ctx: ServerContext): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const t = tableFor(scope);
    t.add({
      method: 'POST', url: '/api/v1/ingest',
      summary: 'Ingest a batch: NDJSON, a JSON array, or raw lines with a declared format/source type; 202 once committed',
      tag: 'ingest', access: 'events:ingest', audit: 'events.ingest', status: 202,
      bodyTypes: ['application/x-ndjson', 'application/json', 'text/plain'],
      query: z.strictObject({
        source: sourceId.optional().describe('source id (default: X-Weft-Source, else http:<caller>)'),
        format: z.enum(DECLARED_FORMATS).optional().describe('declared wire format (default: X-Weft-Format, else detected per record)'),
        source_type: z.enum(SOURCE_TYPES as [string, ...string[]]).optional().describe('declared source type (default: X-Weft-Source-Type, else detected per record)'),
      }),
      beforeBody: () => refuseWhenFull(ctx),
      handler: async ({ req, query, principal, audit }) => {
        const body = req.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('body is empty: send NDJSON, a JSON array, or lines');
        const format = query.format ?? (header(req, 'x-weft-format') as DeclaredFormat | undefined);
        if (format !== undefined && !DECLARED_FORMATS.includes(format)) {
          throw new ApiError(400, 'invalid_request', `header x-weft-format: unknown format '${format}'`, { fields: [{ field: 'header.x-weft-format', message: `expected one of ${DECLARED_FORMATS.join(', ')}` }] });
        }
        const sourceType = query.source_type ?? header(req, 'x-weft-source-type');
        const source = query.source ?? header(req, 'x-weft-source') ?? `http:${principal?.name ?? 'anonymous'}`;
        const meta = { sourceId: source, ...(sourceType !== undefined ? { sourceType } : {}), ...(format !== undefined ? { format } : {}) };
        try {
          ctx.writer.checkMeta(meta);
        } catch (err) {
          if (err instanceof UnknownSourceTypeError) throw new ApiError(400, 'invalid_request', `source type: ${err.message}`, { fields: [{ field: 'query.source_type', message: err.message }] });
          throw err;
        }
        // The records go straight from framing to the writer, held by no variable of this async
        // handler while the batch waits for its commit (see IngestWriter.submit).
        const { count, submitted } = submitFramed(ctx, await frame(body, framingFor(req.headers['content-type']), ctx.config.ingest.max_record_bytes), meta);
        const r = await submitted;
        ctx.rates.record(source, r.events);
        audit.target = source;
        audit.records = count;
        audit.details = { events: r.events, quarantined: r.quarantined };
        return { accepted: r.records, events: r.events, quarantined: r.quarantined, last_seq: r.lastSeq };
      },
    });
    t.add({
      method: 'POST', url: '/v1/logs', summary: 'OTLP/HTTP logs export (JSON or protobuf); 200 once committed',
      tag: 'ingest', access: 'events:ingest', audit: 'events.ingest_otlp',
      bodyTypes: ['application/x-protobuf'],
      query: z.strictObject({ source: sourceId.optional() }),
      beforeBody: () => refuseWhenFull(ctx),
      handler: async ({ req, reply, query, principal, audit }) => {
        const body = req.body;
        const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (ct !== 'application/json' && ct !== 'application/x-protobuf') {
          throw new ApiError(415, 'unsupported_media_type', 'OTLP/HTTP takes application/json or application/x-protobuf');
        }
        if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('body is empty');
        const format: DeclaredFormat = ct === 'application/json' ? 'otlp-json' : 'otlp-protobuf';
        const source = query.source ?? header(req, 'x-weft-source') ?? `otlp:${principal?.name ?? 'anonymous'}`;
        const permit = ctx.writer.tryAcquire(Math.max(1, Math.ceil(body.length / OTLP_BYTES_PER_RECORD)));
        if (!permit) {
          ctx.metrics.ingestRejected.inc({ reason: 'busy' });
          throw tooMany('ingest queue is full; retry after the given seconds', 1);
        }
        // The whole request is one record: the OTLP decoder splits it into one event per log record.
        const rec = format === 'otlp-json' ? body.toString('utf8') : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
        const r = await ctx.writer.submit([rec], { sourceId: source, format }, permit);
        ctx.metrics.events.inc({ source: ctx.metrics.sourceLabel(source), stage: 'received' }, r.events + r.quarantined);
        ctx.rates.record(source, r.events);
        audit.target = source;
        audit.records = r.events + r.quarantined;
        audit.details = { events: r.events, quarantined: r.quarantined };
        if (format === 'otlp-protobuf') {
          // An empty ExportLogsServiceResponse is zero bytes.
          return reply.code(200).type('application/x-protobuf').send(Buffer.alloc(0));
        }
        return r.quarantined > 0
          ? { partialSuccess: { rejectedLogRecords: String(r.quarantined), errorMessage: 'some log records were quarantined; see /api/v1/quarantine' } }
          : {};
      },
    });
  });
}
