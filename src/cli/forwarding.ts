/** The configured alert outputs (alert.outputs): webhook and syslog/CEF forwarding after a run. */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { atLeast, parseSyslogTarget, postWebhook, sendSyslog, syslogCef, ForwardError } from '../alert/output/forward.js';
import { alertLine, ecsAlert, ocsfDetectionFinding } from '../alert/output/records.js';
import type { Alert } from '../alert/types.js';
import type { WeftConfig } from '../config/schema.js';
import { UsageError } from './context.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ForwardSummary {
  webhook: number;
  syslog: number;
  failures: string[];
}

/** Check the outputs' settings before a run starts, so a missing secret fails fast. */
export function checkOutputs(config: WeftConfig, env: NodeJS.ProcessEnv = process.env): void {
  const w = config.alert.outputs.webhook;
  if (w !== undefined && (env.WEFT_WEBHOOK_SECRET ?? w.secret) === undefined) {
    throw new UsageError('alert.outputs.webhook needs a secret: set WEFT_WEBHOOK_SECRET (or alert.outputs.webhook.secret)');
  }
  const s = config.alert.outputs.syslog;
  if (s !== undefined) {
    try {
      parseSyslogTarget(s.target);
    } catch (err) {
      throw new UsageError(`alert.outputs.syslog.target: ${(err as Error).message}`);
    }
  }
}

export async function forwardAlerts(alerts: readonly Alert[], config: WeftConfig, env: NodeJS.ProcessEnv = process.env): Promise<ForwardSummary> {
  const out: ForwardSummary = { webhook: 0, syslog: 0, failures: [] };
  const w = config.alert.outputs.webhook;
  if (w !== undefined) {
    const secret = env.WEFT_WEBHOOK_SECRET ?? w.secret ?? '';
    const render = w.format === 'ocsf' ? (a: Alert) => ocsfDetectionFinding(a, VERSION) : w.format === 'jsonl' ? (a: Alert) => alertLine(a) : ecsAlert;
    for (const a of alerts) {
      if (!atLeast(a, w.min_severity)) continue;
      try {
        await postWebhook(a, { url: w.url, secret, timeoutMs: w.timeout, render });
        out.webhook++;
      } catch (err) {
        if (!(err instanceof ForwardError)) throw err;
        out.failures.push(err.message);
      }
    }
  }
  const s = config.alert.outputs.syslog;
  if (s !== undefined) {
    const lines = alerts.filter((a) => atLeast(a, s.min_severity)).map((a) => syslogCef(a, VERSION, hostname()));
    try {
      await sendSyslog(lines, parseSyslogTarget(s.target));
      out.syslog += lines.length;
    } catch (err) {
      if (!(err instanceof ForwardError)) throw err;
      out.failures.push(err.message);
    }
  }
  return out;
}
