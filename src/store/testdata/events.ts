import { eventId } from '../../event/event-id.js';
import type { WeftEvent } from '../../event/model.js';

/** A deterministic, varied sshd-like event for store tests: the same i always gives the same event. */
export function makeEvent(i: number, over: Partial<Record<string, unknown>> = {}): WeftEvent {
  const raw = `<86>Jan  5 10:00:${String(i % 60).padStart(2, '0')} host${i % 7} sshd[${1000 + i}]: Failed password for user${i % 13} from 10.0.${i % 256}.${(i * 7) % 256} port ${40000 + (i % 1000)} ssh2`;
  return {
    '@timestamp': new Date(Date.UTC(2026, 0, 5, 10, 0, 0) + i * 1000).toISOString(),
    event: { kind: 'event', category: ['authentication'], type: ['start'], action: 'ssh_login', outcome: 'failure', original: raw },
    source: { ip: `10.0.${i % 256}.${(i * 7) % 256}`, port: 40000 + (i % 1000) },
    user: { name: `user${i % 13}` },
    host: { name: `host${i % 7}` },
    related: { ip: [`10.0.${i % 256}.${(i * 7) % 256}`], user: [`user${i % 13}`] },
    weft: { id: eventId('test-source', raw), source_id: 'test-source', source_type: 'linux', ingest_time: '2026-01-05T12:00:00.000Z' },
    ...over,
  } as WeftEvent;
}

