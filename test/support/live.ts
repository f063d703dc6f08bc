/** Helpers for the live-source tests: a sink that records (and can be held), waiting on conditions, a test-only TLS certificate. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FramedRecord } from '../../src/ingest/framing.js';
import type { RecordSink, SinkMeta } from '../../src/ingest/live/sink.js';

export interface SinkBatch {
  records: FramedRecord[];
  meta: SinkMeta;
}

/** Keeps every batch; `hold()` makes writes wait until `release()` (a slow store); `failNext(n)` rejects n writes. */
export class MemorySink implements RecordSink {
  readonly batches: SinkBatch[] = [];
  /** Writes started (including held and failed ones). */
  calls = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private failures = 0;

  async write(records: FramedRecord[], meta: SinkMeta): Promise<void> {
    this.calls++;
    while (this.gate) await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('sink unavailable (test)');
    }
    this.batches.push({ records: [...records], meta });
  }

  hold(): void {
    this.gate ??= new Promise((resolve) => { this.open = resolve; });
  }

  release(): void {
    const open = this.open;
    this.gate = undefined;
    this.open = undefined;
    open?.();
  }

  failNext(n: number): void {
    this.failures = n;
  }

  get records(): FramedRecord[] {
    return this.batches.flatMap((b) => b.records);
  }

  get texts(): string[] {
    return this.records.map((r) => r.text);
  }
}

/** Wait until cond() holds, checking between event-loop turns (the test's timeout bounds it). */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > 15_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface TestCert {
  dir: string;
  cert: string;
  key: string;
  certPem: Buffer;
  cleanup(): void;
}

/**
 * A throwaway self-signed certificate for localhost made with openssl at test time (never committed).
 * Without openssl: the reason to skip, or with CI set a failure.
 */
export function makeTestCert(): TestCert | string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const reason = `openssl could not make a test certificate: ${r.error?.message ?? r.stderr}`;
    if (process.env.CI) throw new Error(`${reason} (CI is set, so this is a failure)`);
    return reason;
  }
  return { dir, cert, key, certPem: readFileSync(cert), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
