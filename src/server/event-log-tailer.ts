/**
 * Consumers of committed events: each reads the store's event log from its own checkpoint, in
 * order, and checkpoints its state together with the position it reflects, so a restart resumes
 * exactly where the state is. This is how detection, correlation and alerting plug into `weft serve`
 * (the lead wires them): implement EventLogConsumer and pass it to startServe.
 */
import type { WeftEvent } from '../event/model.js';
import type { Logger } from '../log/logger.js';
import type { LoggedEvent, Store } from '../store/types.js';
import type { EventLogReader } from './shared-event-log.js';

/**
 * Events per consumer call. Smaller pages are cheaper to read (store/types.ts, EVENT_LOG_PAGE), but
 * the alerting consumer pays per call for the stored alerts of its window: it reads their stamps,
 * seeds them and regroups their incidents again (about 300 ms with 12,000 alerts stored), which at
 * 250 events a call would cost more than the events. Catching up after a restart reads these whole
 * batches.
 */
const CONSUMER_BATCH = 5000;

export interface EventLogConsumer {
  /** Checkpoint name; also the metrics label. */
  readonly name: string;
  /** Restore state from the last checkpoint (undefined on a first start). */
  restore(state: Uint8Array | undefined): void | Promise<void>;
  /** Handle the next events, in log order. Throwing stops the consumer at this batch (it retries). */
  handle(batch: LoggedEvent[]): void | Promise<void>;
  /** The state to checkpoint; it must reflect exactly the events handled so far. */
  snapshot(): Uint8Array;
}

export interface EventLogTailerOptions {
  store: Store;
  consumer: EventLogConsumer;
  logger: Logger;
  /** Events per read and per consumer call (default CONSUMER_BATCH). */
  batchSize?: number;
  /** Checkpoint at most this often while busy (default 5 s); always on stop. */
  checkpointMs?: number;
  /** Poll interval when nothing wakes the tailer (default 1 s). */
  idleMs?: number;
  /** Events as consumers should see them (e.g. sensitive fields decrypted); not with `reader`, which applies its own. */
  view?: (e: WeftEvent) => WeftEvent;
  /** Where to read the log (default: the store, through `view`): a SharedEventLog serves several tailers. */
  reader?: EventLogReader;
  onPosition?: (position: number) => void;
}

export class EventLogTailer {
  private position = 0;
  private checkpointed = 0;
  private lastCheckpoint = 0;
  private running = false;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  /** A wake() that came while the loop was reading or handling: the next wait is skipped. */
  private woken = false;
  private loop: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly opts: EventLogTailerOptions) {}

  get name(): string {
    return this.opts.consumer.name;
  }

  /** Event-log position handled so far. */
  get at(): number {
    return this.position;
  }

  get healthy(): boolean {
    return this.running && this.failure === undefined;
  }

  get lastError(): string | undefined {
    return this.failure?.message;
  }

  async start(): Promise<void> {
    const cp = await this.opts.store.loadCheckpoint(this.opts.consumer.name);
    await this.opts.consumer.restore(cp?.state);
    this.position = cp?.position ?? 0;
    this.checkpointed = this.position;
    this.lastCheckpoint = Date.now();
    this.running = true;
    this.loop = this.run();
  }

  /** New events were committed: read them now rather than at the next poll. */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    // Remembered when nothing waits yet: a commit that lands while a batch is being handled would
    // otherwise wait out the idle poll (a second by default) before its events are read.
    if (w === undefined) this.woken = true;
    else w();
  }

  private async run(): Promise<void> {
    const batchSize = this.opts.batchSize ?? CONSUMER_BATCH;
    while (!this.stopping) {
      let batch: LoggedEvent[];
      try {
        batch = await this.read(batchSize);
        if (batch.length > 0) {
          await this.opts.consumer.handle(batch);
          this.position = (batch[batch.length - 1] as LoggedEvent).seq;
          this.opts.onPosition?.(this.position);
          this.failure = undefined;
        }
        if (this.position !== this.checkpointed && Date.now() - this.lastCheckpoint >= (this.opts.checkpointMs ?? 5000)) await this.checkpoint();
      } catch (err) {
        this.failure = err as Error;
        this.opts.logger.error({ err, consumer: this.name, position: this.position }, 'event-log consumer failed; retrying');
        batch = [];
      }
      if (batch.length < batchSize && !this.stopping) {
        // Woken while reading or handling: events were committed meanwhile, so read again now
        // (after a failure the back-off still applies).
        const again = this.woken && this.failure === undefined;
        this.woken = false;
        if (!again) await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.failure ? 5000 : (this.opts.idleMs ?? 1000));
          this.wakeUp = () => { clearTimeout(t); resolve(); };
        });
      }
    }
  }

  /** The next events after this tailer's position, as its consumer should see them. */
  private async read(limit: number): Promise<LoggedEvent[]> {
    if (this.opts.reader !== undefined) return this.opts.reader.read(this.position, limit);
    const batch = await this.opts.store.readEventLog(this.position, limit);
    const view = this.opts.view;
    return view ? batch.map((b) => ({ seq: b.seq, event: view(b.event) })) : batch;
  }

  private async checkpoint(): Promise<void> {
    await this.opts.store.saveCheckpoint({ name: this.name, position: this.position, state: this.opts.consumer.snapshot() });
    this.checkpointed = this.position;
    this.lastCheckpoint = Date.now();
  }

  /**
   * Stop: finish the batch in hand, then catch up with everything committed so far (ingest has
   * drained by now), checkpoint. A consumer that keeps failing is checkpointed where it stopped.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake();
    await this.loop;
    this.running = false;
    const batchSize = this.opts.batchSize ?? CONSUMER_BATCH;
    try {
      for (;;) {
        const batch = await this.read(batchSize);
        if (batch.length === 0) break;
        await this.opts.consumer.handle(batch);
        this.position = (batch[batch.length - 1] as LoggedEvent).seq;
      }
    } catch (err) {
      this.opts.logger.error({ err, consumer: this.name, position: this.position }, 'event-log consumer failed while catching up on shutdown');
    }
    if (this.position !== this.checkpointed) await this.checkpoint();
  }
}
