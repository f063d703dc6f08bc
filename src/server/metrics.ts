/**
 * Prometheus metrics (prom-client), one registry per server so tests can run several side by side.
 * Labels that come from clients (source ids) are capped: past `maxSources` distinct values they are
 * counted under `other`, so a hostile client cannot grow the registry without bound.
 */
import type { LiveStats, ListenerCounters, TailCounters } from '../ingest/live/index.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GroupCommit } from '../ingest/ingest-writer.js';
import type { Severity, Store } from '../store/types.js';

export interface ServerMetricsOptions {
  maxSources?: number;
  /** Process metrics (CPU, memory, event loop lag); off in tests that build many apps. */
  defaultMetrics?: boolean;
}

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly sources = new Set<string>();
  private readonly maxSources: number;

  readonly events: Counter<'source' | 'stage'>;
  readonly quarantined: Counter<'reason'>;
  readonly ingestRejected: Counter<'reason'>;
  readonly ingestDropped: Counter<'source'>;
  readonly queuePending: Gauge;
  readonly queueCapacity: Gauge;
  readonly queueBatches: Gauge;
  readonly commitSeconds: Histogram;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpSeconds: Histogram<'route'>;
  readonly authFailures: Counter<'kind'>;
  readonly auditEntries: Counter;
  /** Filled by the detection consumer once it is wired into serve (see EventLogTailer). */
  readonly ruleEvalSeconds: Histogram;
  readonly correlationStateEntries: Gauge;
  readonly correlationHeldBack: Gauge;
  readonly correlationEvictions: Counter;
  readonly correlationLateEvents: Counter;
  readonly correlationInvalidEvents: Counter;
  readonly consumerPosition: Gauge<'consumer'>;
  readonly eventLogHead: Gauge;

  constructor(opts: ServerMetricsOptions = {}, queue?: { pending: () => number; capacity: () => number; batches: () => number }, store?: Store) {
    this.maxSources = opts.maxSources ?? 1000;
    const r = this.registry;
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: r, prefix: 'weft_' });
    this.events = new Counter({ name: 'weft_events_total', help: 'Events by source and stage: received (framed records), stored, duplicate (already stored), quarantined', labelNames: ['source', 'stage'], registers: [r] });
    this.quarantined = new Counter({ name: 'weft_quarantine_total', help: 'Records quarantined, by reason code', labelNames: ['reason'], registers: [r] });
    this.ingestRejected = new Counter({ name: 'weft_ingest_rejected_total', help: 'Ingest requests refused: busy (429), closed (503), invalid (4xx)', labelNames: ['reason'], registers: [r] });
    this.ingestDropped = new Counter({ name: 'weft_ingest_dropped_total', help: 'Records dropped by lossy sources (UDP) when the pipeline was full', labelNames: ['source'], registers: [r] });
    this.queuePending = new Gauge({ name: 'weft_ingest_queue_records', help: 'Records admitted and not yet committed', registers: [r], collect() { if (queue) this.set(queue.pending()); } });
    this.queueCapacity = new Gauge({ name: 'weft_ingest_queue_capacity_records', help: 'Admission bound of the ingest queue', registers: [r], collect() { if (queue) this.set(queue.capacity()); } });
    this.queueBatches = new Gauge({ name: 'weft_ingest_queue_batches', help: 'Batches waiting for the store', registers: [r], collect() { if (queue) this.set(queue.batches()); } });
    this.commitSeconds = new Histogram({ name: 'weft_store_commit_seconds', help: 'Time to commit one ingest group to the store', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [r] });
    this.httpRequests = new Counter({ name: 'weft_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [r] });
    this.httpSeconds = new Histogram({ name: 'weft_http_request_duration_seconds', help: 'HTTP request duration by route', labelNames: ['route'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [r] });
    this.authFailures = new Counter({ name: 'weft_auth_failures_total', help: 'Failed authentications: password, throttled, token, api_key', labelNames: ['kind'], registers: [r] });
    this.auditEntries = new Counter({ name: 'weft_audit_entries_total', help: 'Access audit entries appended', registers: [r] });
    this.ruleEvalSeconds = new Histogram({ name: 'weft_rule_evaluation_seconds', help: 'Rule evaluation time per event batch', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: [r] });
    this.correlationStateEntries = new Gauge({ name: 'weft_correlation_state_entries', help: 'Entries held in correlation state', registers: [r] });
    this.correlationHeldBack = new Gauge({
      name: 'weft_correlation_held_back_seconds',
      help: 'How far the slowest source holds correlation behind the newest event time, beyond correlation.allowed_lateness (correlation alerts wait this much longer)',
      registers: [r],
    });
    this.correlationEvictions = new Counter({ name: 'weft_correlation_evictions_total', help: 'Correlation state entries evicted by the memory bound or TTL', registers: [r] });
    this.correlationLateEvents = new Counter({
      name: 'weft_correlation_late_events_total',
      help: 'Events a correlation rule matched that arrived after the correlation watermark (the slowest source\'s event time minus correlation.allowed_lateness) had passed them: no correlation counted them',
      registers: [r],
    });
    this.correlationInvalidEvents = new Counter({
      name: 'weft_correlation_invalid_events_total',
      help: 'Events a correlation rule matched that correlation refused (dated more than correlation.max_ahead after they were received): stored and detected, not correlated',
      registers: [r],
    });
    this.consumerPosition = new Gauge({ name: 'weft_consumer_position', help: 'Event-log position each consumer has processed', labelNames: ['consumer'], registers: [r] });
    this.eventLogHead = new Gauge({ name: 'weft_event_log_head', help: 'Position of the last committed event', registers: [r] });
    const alerts = new Gauge({
      name: 'weft_alerts', help: 'Alerts in the store by severity', labelNames: ['severity'], registers: [r],
      async collect() {
        if (!store) return;
        for (const s of SEVERITIES) this.set({ severity: s }, (await store.listAlerts({ severity: s, limit: 1 })).total);
      },
    });
    void alerts;
  }

  /**
   * Live sources keep plain counters (cheap on their hot path); they are read at scrape time. The
   * listener and tail ids come from the config, not from clients, so their label values are bounded.
   */
  observeLive(stats: () => LiveStats): void {
    const r = this.registry;
    const listenerGauge = (name: string, help: string, pick: (c: ListenerCounters) => number): Gauge => new Gauge({
      name, help, labelNames: ['listener', 'protocol'], registers: [r],
      collect() { for (const c of stats().listeners) this.set({ listener: c.id, protocol: c.protocol }, pick(c)); },
    });
    const tailGauge = (name: string, help: string, pick: (c: TailCounters) => number): Gauge => new Gauge({
      name, help, labelNames: ['tail'], registers: [r],
      collect() { for (const c of stats().tails) this.set({ tail: c.id }, pick(c)); },
    });
    listenerGauge('weft_listener_records', 'Records a syslog listener committed (monotonic)', (c) => c.records);
    listenerGauge('weft_listener_bytes', 'Bytes a syslog listener received (monotonic)', (c) => c.bytes);
    listenerGauge('weft_listener_udp_drops', 'UDP datagrams dropped because the queue to the pipeline was full (monotonic)', (c) => c.udpDrops);
    listenerGauge('weft_listener_queued_records', 'UDP records waiting for the pipeline', (c) => c.queuedRecords);
    listenerGauge('weft_listener_connections_open', 'TCP/TLS connections open', (c) => c.connectionsOpen);
    listenerGauge('weft_listener_framing_errors', 'Octet-counted frames with a bad length or cut off (monotonic)', (c) => c.framingErrors);
    tailGauge('weft_tail_records', 'Records a tailed file source committed (monotonic)', (c) => c.records);
    tailGauge('weft_tail_lag_bytes', 'Bytes in tailed files not committed yet', (c) => c.lagBytes);
  }

  /** A client-supplied source id as a label value, with the distinct-value cap applied. */
  sourceLabel(id: string): string {
    if (this.sources.has(id)) return id;
    if (this.sources.size >= this.maxSources) return 'other';
    this.sources.add(id);
    return id;
  }

  observeCommit(c: GroupCommit): void {
    this.commitSeconds.observe(c.storeMs / 1000);
    for (const s of c.bySource) {
      const source = this.sourceLabel(s.id);
      if (s.events > 0) this.events.inc({ source, stage: 'normalized' }, s.events);
      if (s.quarantined > 0) this.events.inc({ source, stage: 'quarantined' }, s.quarantined);
    }
    for (const [reason, n] of Object.entries(c.quarantineReasons)) this.quarantined.inc({ reason }, n);
    if (c.inserted > 0) this.events.inc({ source: 'all', stage: 'stored' }, c.inserted);
    if (c.duplicates > 0) this.events.inc({ source: 'all', stage: 'duplicate' }, c.duplicates);
    this.eventLogHead.set(c.lastSeq);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
