import { randomUUID } from 'node:crypto';
import type {
  BatchHandler,
  Bus,
  BusConsumer,
  ConsumedMessage,
  ConsumerOptions,
  ConsumerStatus,
  OutgoingMessage,
} from './port.ts';
import { metrics } from '../metrics.ts';

/**
 * The bus of the embedded default: one process, no Kafka, the same semantics as `kafka.ts`.
 * Each topic is one in-memory log (one partition); a consumer group keeps a committed offset
 * per topic; a handler that throws commits nothing, so a restarted consumer sees the batch
 * again. `produce` waits while the slowest group is more than `maxLag` messages behind:
 * that is the backpressure that keeps a fast source from filling memory.
 */
export interface InProcessBusOptions {
  /** Messages a topic may hold beyond the slowest group's committed offset before produce waits. */
  maxLag?: number;
  /** Messages kept for a topic nobody consumes (e.g. a DLQ without a reader) before the oldest go. */
  maxRetainedWithoutConsumers?: number;
  onDiscard?: (topic: string, count: number) => void;
}

interface TopicLog {
  /** Offset of messages[0]. */
  base: number;
  messages: ConsumedMessage[];
  /** group id → next offset to consume (committed). */
  committed: Map<string, number>;
  /** Wakes consumers waiting for data and producers waiting for room. */
  waiters: Set<() => void>;
}

export class InProcessBus implements Bus {
  readonly kind = 'memory' as const;
  /**
   * Offsets start at 0 again in every process (every `earshot import`, every restart of
   * `earshot start`): without an epoch of its own, a batch's dedup token repeated one of the
   * previous run's and ClickHouse dropped the insert as a duplicate.
   */
  readonly offsetEpoch = `memory-${randomUUID()}`;
  private readonly topics = new Map<string, TopicLog>();
  private readonly activeGroups = new Set<string>();
  private readonly maxLag: number;
  private readonly maxRetained: number;
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.maxLag = options.maxLag ?? 20_000;
    this.maxRetained = options.maxRetainedWithoutConsumers ?? 100_000;
  }

  ensureTopics(topics: string[]): Promise<void> {
    for (const t of topics) this.log(t);
    return Promise.resolve();
  }

  async produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const log = this.log(topic);
    let i = 0;
    while (i < messages.length) {
      const room = this.room(log);
      if (room <= 0) {
        await this.wait(log);
        continue;
      }
      const chunk = messages.slice(i, i + room);
      for (const m of chunk) {
        const offset = log.base + log.messages.length;
        log.messages.push({
          topic,
          partition: 0,
          offset: String(offset),
          key: m.key,
          value: typeof m.value === 'string' ? Buffer.from(m.value) : m.value,
          headers: { ...(m.headers ?? {}) },
        });
      }
      i += chunk.length;
      this.trimUnconsumed(log, topic);
      this.wake(log);
    }
  }

  consumer(options: ConsumerOptions): BusConsumer {
    return new InProcessConsumer(this, options);
  }

  /** In memory: answers while open. */
  ping(): Promise<void> {
    return this.closed ? Promise.reject(new Error('bus closed')) : Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    for (const log of this.topics.values()) this.wake(log);
    return Promise.resolve();
  }

  /** The offset the next message produced to `topic` will get. */
  endOffset(topic: string): number {
    const log = this.log(topic);
    return log.base + log.messages.length;
  }

  /** The next offset `groupId` will consume from `topic` (all before it are committed). */
  committedOffset(topic: string, groupId: string): number {
    const log = this.log(topic);
    return log.committed.get(groupId) ?? log.base;
  }

  /** Messages not yet committed by `groupId` (its lag), for tests and the health endpoint. */
  lag(topic: string, groupId: string): number {
    return this.endOffset(topic) - this.committedOffset(topic, groupId);
  }

  // --- used by InProcessConsumer -------------------------------------------------------

  /** @internal */
  join(groupId: string, topics: string[], fromBeginning: boolean): void {
    if (this.activeGroups.has(groupId)) {
      throw new Error(`consumer group "${groupId}" already has a running member in this process`);
    }
    this.activeGroups.add(groupId);
    for (const t of topics) {
      const log = this.log(t);
      if (!log.committed.has(groupId)) {
        log.committed.set(groupId, fromBeginning ? log.base : log.base + log.messages.length);
      }
    }
  }

  /** @internal */
  leave(groupId: string): void {
    this.activeGroups.delete(groupId);
  }

  /** @internal */
  fetch(topic: string, groupId: string, max: number): ConsumedMessage[] {
    const log = this.log(topic);
    const next = log.committed.get(groupId) ?? log.base;
    const start = Math.max(0, next - log.base);
    return log.messages.slice(start, start + max);
  }

  /** @internal */
  available(topic: string, groupId: string): number {
    return this.lag(topic, groupId);
  }

  /** @internal */
  commit(topic: string, groupId: string, nextOffset: number): void {
    const log = this.log(topic);
    const current = log.committed.get(groupId) ?? log.base;
    if (nextOffset > current) log.committed.set(groupId, nextOffset);
    this.trimConsumed(log);
    this.wake(log);
  }

  /** @internal Resolves when something changes on one of the topics, or after `timeoutMs`. */
  waitAny(topics: string[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const logs = topics.map((t) => this.log(t));
      const done = () => {
        clearTimeout(timer);
        for (const l of logs) l.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const l of logs) l.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // --- internals -------------------------------------------------------------------------

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = { base: 0, messages: [], committed: new Map(), waiters: new Set() };
      this.topics.set(topic, log);
    }
    return log;
  }

  private room(log: TopicLog): number {
    if (log.committed.size === 0) return Number.MAX_SAFE_INTEGER;
    const slowest = Math.min(...log.committed.values());
    return this.maxLag - (log.base + log.messages.length - slowest);
  }

  private wait(log: TopicLog): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus is closed'));
    return new Promise((resolve) => {
      const done = () => {
        log.waiters.delete(done);
        resolve();
      };
      log.waiters.add(done);
    });
  }

  private wake(log: TopicLog): void {
    for (const w of [...log.waiters]) w();
  }

  /** Drop what every group has committed: memory stays bounded by `maxLag`. */
  private trimConsumed(log: TopicLog): void {
    if (log.committed.size === 0) return;
    const slowest = Math.min(...log.committed.values());
    const drop = slowest - log.base;
    if (drop > 0) {
      log.messages.splice(0, drop);
      log.base = slowest;
    }
  }

  private trimUnconsumed(log: TopicLog, topic: string): void {
    if (log.committed.size > 0) return;
    const excess = log.messages.length - this.maxRetained;
    if (excess > 0) {
      log.messages.splice(0, excess);
      log.base += excess;
      this.options.onDiscard?.(topic, excess);
    }
  }
}

class InProcessConsumer implements BusConsumer {
  private readonly abort = new AbortController();
  private running = false;
  private lastLoopAt: number | null = null;
  private finished: Promise<void> | null = null;

  constructor(
    private readonly bus: InProcessBus,
    private readonly options: ConsumerOptions,
  ) {}

  run(handler: BatchHandler): Promise<void> {
    if (this.finished) throw new Error('consumer already running');
    const { groupId: group, topics } = this.options;
    this.bus.join(group, topics, this.options.fromBeginning ?? true);
    this.running = true;
    metrics.consumerPartitions.set({ group }, topics.length);
    for (const topic of topics) this.reportLag(topic);
    this.finished = this.loop(handler).finally(() => {
      this.running = false;
      this.bus.leave(group);
      metrics.consumerPartitions.set({ group }, 0);
    });
    return this.finished;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.finished?.catch(() => undefined);
  }

  status(): ConsumerStatus {
    const { groupId, topics } = this.options;
    return {
      assigned: this.running,
      partitions: this.running ? topics.length : 0,
      lastLoopAt: this.lastLoopAt,
      lag: this.running ? topics.reduce((n, t) => n + this.bus.lag(t, groupId), 0) : null,
    };
  }

  /** The same `earshot_consumer_lag` series a Kafka consumer reports (one partition per topic). */
  private reportLag(topic: string): void {
    const group = this.options.groupId;
    metrics.consumerLag.set({ group, topic, partition: '0' }, this.bus.lag(topic, group));
  }

  private async loop(handler: BatchHandler): Promise<void> {
    const { groupId, topics } = this.options;
    const maxBatch = this.options.maxBatchSize ?? 1_000;
    const maxWaitMs = this.options.maxWaitMs ?? 50;
    const context = {
      isRunning: () => this.running && !this.bus.isClosed,
      heartbeat: () => Promise.resolve(),
    };

    while (context.isRunning()) {
      this.lastLoopAt = Date.now();
      metrics.consumerLastLoop.set({ group: groupId }, this.lastLoopAt / 1000);
      // Lag as of this turn, so what arrived while the loop waited shows before it is handled.
      for (const topic of topics) this.reportLag(topic);
      let handled = false;
      for (const topic of topics) {
        if (!context.isRunning()) break;
        // Fill the batch up to maxBatch or until maxWaitMs passed: fewer, larger batches.
        const deadline = Date.now() + maxWaitMs;
        while (
          context.isRunning() &&
          this.bus.available(topic, groupId) > 0 &&
          this.bus.available(topic, groupId) < maxBatch &&
          Date.now() < deadline
        ) {
          await this.bus.waitAny([topic], deadline - Date.now(), this.abort.signal);
        }
        if (!context.isRunning()) break;
        const messages = this.bus.fetch(topic, groupId, maxBatch);
        if (messages.length === 0) continue;
        const outcome = await handler({ topic, partition: 0, messages }, context);
        const last = outcome?.lastProcessedOffset ?? messages[messages.length - 1]!.offset;
        this.bus.commit(topic, groupId, Number(last) + 1);
        this.reportLag(topic);
        handled = true;
      }
      if (!handled) await this.bus.waitAny(topics, 1_000, this.abort.signal);
    }
  }
}
