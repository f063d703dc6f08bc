import { InvalidArgumentError, type Command } from 'commander';
import { QuarantineReader } from '../../ingest/quarantine-reread.js';
import { parseAuditAnchor, verifyStoreAudit } from '../../store/audit-chain.js';
import type { AuditAnchor, QuarantineRecord } from '../../store/types.js';
import { commandContext, DATA_DIR_OPTION, openStore } from '../context.js';
import { sensitiveFieldEncryption } from './ingest.js';


export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the store schema and print its version')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { dataDir?: string }, cmd: Command) => {
      const ctx = await commandContext(cmd, opts);
      const store = await openStore(ctx.config, ctx.logger);
      try {
        process.stdout.write(`schema version ${await store.schemaVersion()} (${store.driver})\n`);
      } finally {
        await store.close();
      }
    });
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('check every audit entry against the hash chain; exit 1 if any entry was changed, removed or reordered, or the chain no longer holds the --anchor entry')
    .option('--anchor <seq:hash>', 'a head printed by an earlier verify and kept outside the store: detects entries cut off the end', (v) => {
      const a = parseAuditAnchor(v);
      if (a === undefined) throw new InvalidArgumentError('expected SEQ:HASH, as `weft audit verify` prints the head');
      return a;
    })
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { anchor?: AuditAnchor; dataDir?: string }, cmd: Command) => {
      const ctx = await commandContext(cmd, opts);
      const store = await openStore(ctx.config, ctx.logger);
      try {
        const v = await verifyStoreAudit(store, opts.anchor);
        if (v.ok) {
          const head = v.head !== undefined ? `; head ${v.head.seq}:${v.head.hash} (keep it outside this machine and pass it as --anchor later)` : '';
          process.stdout.write(`audit log intact: ${v.count} entries verified${head}\n`);
        } else {
          process.stdout.write(`audit log BROKEN at entry ${v.firstBadSeq}: ${v.reason} (${v.count} entries verified before it)\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
}

export function registerQuarantine(program: Command): void {
  const q = program.command('quarantine').description('records that could not be decoded or normalized');
  q.command('list')
    .description('list quarantined records, newest last')
    .option('--reason <code>', 'only this reason code')
    .option('--limit <n>', 'at most n records', (v) => Number.parseInt(v, 10), 50)
    .option('--output <fmt>', 'table or jsonl', 'table')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { reason?: string; limit: number; output: string; dataDir?: string }, cmd: Command) => {
      const ctx = await commandContext(cmd, opts);
      const store = await openStore(ctx.config, ctx.logger);
      try {
        const counts = await store.quarantineCountsByReason();
        const page = await store.listQuarantine({ limit: opts.limit, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) });
        if (opts.output === 'jsonl') {
          for (const r of page.items) process.stdout.write(`${JSON.stringify(quarantineJson(r))}\n`);
          return;
        }
        process.stdout.write(`${page.total} quarantined${opts.reason ? ` with reason ${opts.reason}` : ''}\n`);
        for (const [reason, n] of Object.entries(counts)) process.stdout.write(`  ${reason.padEnd(44)} ${n}\n`);
        for (const r of page.items) {
          const raw = Buffer.from(r.raw).toString('utf8').replace(/\s+/g, ' ');
          process.stdout.write(`\n${r.receivedAt}  ${r.reason}  (${r.sourceId})\n  ${r.message}\n  ${raw.length > 160 ? `${raw.slice(0, 160)}…` : raw}\n`);
        }
      } finally {
        await store.close();
      }
    });
  q.command('replay')
    .description('re-run decoding and normalization on quarantined records; what now normalizes is stored and leaves the quarantine')
    .option('--reason <code>', 'only this reason code')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { reason?: string; dataDir?: string }, cmd: Command) => {
      const ctx = await commandContext(cmd, opts);
      const store = await openStore(ctx.config, ctx.logger);
      try {
        let cursor: string | undefined;
        let fixed = 0;
        let still = 0;
        const reader = new QuarantineReader(ctx.config);
        const encrypt = sensitiveFieldEncryption(ctx.config);
        do {
          const page = await store.listQuarantine({ limit: 500, ...(opts.reason !== undefined ? { reason: opts.reason } : {}), ...(cursor ? { cursor } : {}) });
          const { events, fixed: done } = reader.read(page.items);
          still += page.items.length - done.length;
          if (events.length > 0) {
            encrypt.beforeStore?.(events);
            await store.appendEvents(events);
          }
          fixed += await store.removeQuarantine(done);
          cursor = page.next;
        } while (cursor);
        process.stdout.write(`replayed: ${fixed} records now normalize and were stored; ${still} remain quarantined\n`);
      } finally {
        await store.close();
      }
    });
}

function quarantineJson(r: QuarantineRecord): Record<string, unknown> {
  return { id: r.id, reason: r.reason, message: r.message, source_id: r.sourceId, received_at: r.receivedAt, original: Buffer.from(r.raw).toString('utf8') };
}
