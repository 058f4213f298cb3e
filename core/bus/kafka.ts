import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';
import kafkajs from 'kafkajs';
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  ISocketFactory,
  Producer,
  KafkaMessage,
} from 'kafkajs';
import { DependencyUnavailableError, describeError, isRetriable } from '../errors.ts';
import { sleep, stageRetry, withRetry } from '../retry.ts';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { KeyHashPartitioner } from './partitioner.ts';
import type {
  BatchHandler,
  Bus,
  BusConsumer,
  ConsumedMessage,
  ConsumerOptions,
  ConsumerStatus,
  Headers,
  OutgoingMessage,
} from './port.ts';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs;

/**
 * gzip at level 1 instead of zlib's default 6 (kafkajs's own codec). On enriched mentions
 * (1.2 kB of JSON, 500 to a record batch) level 6 cost 11–13 µs of CPU per mention and
 * compressed to 12–14 %; level 1 costs 5 µs and compresses to 16–17 % (bench/e2e.ts, this
 * machine). The stream is ordinary gzip: any consumer reads it, and decompression costs the
 * same. Registered once for the process, for every KafkaBus.
 */
export const GZIP_LEVEL = 1;
const gzipAsync = promisify(gzip);
const unzipAsync = promisify(unzip);
CompressionCodecs[CompressionTypes.GZIP] = () => ({
  compress: (encoder: { buffer: Buffer }) => gzipAsync(encoder.buffer, { level: GZIP_LEVEL }),
  decompress: (buffer: Buffer) => unzipAsync(buffer),
});

/**
 * The production bus: Apache Kafka through kafkajs. kafkajs is unmaintained (2.2.4, 2023) but
 * speaks the protocol versions Kafka 4.x kept; it stays behind the bus port so it can be
 * swapped (see docs/architecture.md). Every kafkajs error is mapped here, once.
 */
export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Partitions for topics we create. */
  partitions: number;
  /** Prefix of topics and groups on the broker (KAFKA_NAMESPACE); callers see plain names. */
  namespace?: string;
  /**
   * Compression of produced batches (KAFKA_COMPRESSION; default gzip, at GZIP_LEVEL). gzip
   * costs the producer about 5 µs of CPU per enriched mention (1.2 kB) and the consumer 2.6 µs
   * of gunzip; `none` saves that, but a partition's batch must then fit the broker's
   * message.max.bytes (1 MB by default) uncompressed: 2,000 enriched mentions over 4
   * partitions did not always.
   */
  compression?: 'none' | 'gzip';
  logger: Logger;
  /**
   * How connections to the brokers are opened (kafkajs's own by default). The fault suite
   * routes them through a TCP proxy it can cut, since a broker advertises its own address.
   */
  socketFactory?: ISocketFactory;
}

export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  /** Offsets live in the broker and survive every process: one epoch. */
  readonly offsetEpoch = '';
  private readonly kafka: InstanceType<typeof Kafka>;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private readonly knownTopics = new Set<string>();

  constructor(private readonly options: KafkaBusOptions) {
    const log = options.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 5_000,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
      logLevel: logLevel.WARN,
      ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
      logCreator:
        () =>
        ({ level, log: entry }) => {
          const { message, ...rest } = entry;
          if (level <= logLevel.ERROR) log.error({ event: 'kafka_client_error', ...rest }, message);
          else log.warn({ event: 'kafka_client_warning', ...rest }, message);
        },
    });
  }

  private get ns(): string {
    return this.options.namespace ?? '';
  }

  async ensureTopics(logical: string[]): Promise<void> {
    const topics = logical.map((t) => this.ns + t);
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0) return;
    const admin: Admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const toCreate = missing.filter((t) => !existing.has(t));
      if (toCreate.length > 0) {
        // Leaders are awaited below, with retries: kafkajs's own wait retries only
        // LEADER_NOT_AVAILABLE, and a broker started a moment ago answers the metadata of a
        // topic it just created with UNKNOWN_TOPIC_OR_PARTITION for a while.
        await admin.createTopics({
          waitForLeaders: false,
          topics: toCreate.map((topic) => ({
            topic,
            numPartitions: this.options.partitions,
            replicationFactor: -1,
          })),
        });
      }
      // Every topic asked for, also those another consumer of this process created a moment
      // before: a consumer subscribing before its leader is known hits "This server does not
      // host this topic-partition".
      await waitForLeaders(admin, missing);
      for (const t of missing) this.knownTopics.add(t);
    } catch (error) {
      throw mapKafkaError(error, 'ensure_topics');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Sends go one at a time: the idempotent producer numbers each partition's batches, and two
   * sends in flight at once can reach the broker out of order (OUT_OF_ORDER_SEQUENCE_NUMBER).
   * What callers produce while a send is in flight is sent together next, in one request —
   * with several partitions consumed at once, enrich's outputs share requests instead of
   * queuing behind each other's round trips.
   */
  private pending: Array<{
    topic: string;
    messages: OutgoingMessage[];
    done: { resolve: () => void; reject: (e: Error) => void; failed: boolean };
  }> = [];
  private sending: Promise<void> | null = null;

  produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    // Uncompressed, a partition's record batch must fit the broker's message.max.bytes as it
    // is: a big produce (enrich's 2,000 outputs, 2.6 MB) goes in parts that each fit.
    const parts =
      this.options.compression === 'none' ? splitUnder(messages, NONE_MAX_CHARS) : [messages];
    return new Promise<void>((resolve, reject) => {
      let left = parts.length;
      const done = {
        failed: false,
        resolve: () => {
          if (--left === 0 && !done.failed) resolve();
        },
        reject: (e: Error) => {
          if (done.failed) return;
          done.failed = true; // its parts still queued are dropped: the caller retries it whole
          reject(e);
        },
      };
      for (const part of parts) this.pending.push({ topic, messages: part, done });
      this.sending ??= this.drainSends();
    });
  }

  private async drainSends(): Promise<void> {
    const none = this.options.compression === 'none';
    try {
      while (this.pending.length > 0) {
        // Merged up to about 1 MB: a broker takes at most message.max.bytes (1 MB by
        // default) per partition's record batch. One caller's produce always goes whole,
        // compressed; uncompressed, in its parts (produce), merged only while they fit.
        let bytes = 0;
        let n = 0;
        while (n < this.pending.length && (n === 0 || bytes < MERGE_MAX_BYTES)) {
          const size = none
            ? charsOf(this.pending[n]!.messages)
            : valueLength(this.pending[n]!.messages);
          if (none && n > 0 && bytes + size > NONE_MAX_CHARS) break;
          bytes += size;
          n++;
        }
        const group = this.pending.splice(0, n).filter((p) => !p.done.failed);
        if (group.length === 0) continue;
        const byTopic = new Map<string, OutgoingMessage[]>();
        for (const p of group) {
          const list = byTopic.get(p.topic);
          if (list) for (const m of p.messages) list.push(m);
          else byTopic.set(p.topic, [...p.messages]);
        }
        try {
          const producer = await this.getProducer();
          await producer.sendBatch({
            // All in-sync replicas must have the batch before we commit anything upstream.
            acks: -1,
            compression:
              (this.options.compression ?? 'gzip') === 'gzip'
                ? CompressionTypes.GZIP
                : CompressionTypes.None,
            topicMessages: [...byTopic].map(([topic, messages]) => ({
              topic: this.ns + topic,
              messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
            })),
          });
          for (const p of group) p.done.resolve();
        } catch (error) {
          const topics = [...byTopic.keys()];
          // A failed request fails every produce in it; each caller retries its own.
          for (const p of group)
            p.done.reject(mapKafkaError(error, 'produce', { topic: topics.join(',') }));
        }
      }
    } finally {
      this.sending = null;
    }
  }

  consumer(options: ConsumerOptions): BusConsumer {
    const ns = this.ns;
    return new KafkaConsumerAdapter(
      this.kafka,
      ns
        ? { ...options, groupId: ns + options.groupId, topics: options.topics.map((t) => ns + t) }
        : options,
      this.options.logger,
      ns,
    );
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    this.producerReady = null;
    const admin = this.pingAdmin;
    this.pingAdmin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
    await p?.disconnect();
  }

  private pingAdmin: Promise<Admin> | null = null;

  /** The cluster's metadata through one admin connection kept for readiness probes. */
  async ping(): Promise<void> {
    this.pingAdmin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    try {
      await (await this.pingAdmin).describeCluster();
    } catch (error) {
      const admin = this.pingAdmin;
      this.pingAdmin = null; // reconnect on the next probe
      await admin?.then((a) => a.disconnect()).catch(() => undefined);
      throw mapKafkaError(error, 'ping');
    }
  }

  private getProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      // Idempotent producer: a retried send never writes a message twice into the log.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        // The default partitioner's placement, without its per-message allocations.
        createPartitioner: KeyHashPartitioner,
      });
      try {
        await producer.connect();
      } catch (error) {
        this.producerReady = null;
        throw mapKafkaError(error, 'producer_connect');
      }
      this.producer = producer;
      return producer;
    })();
    return this.producerReady;
  }
}

/** Produces merged into one request up to this many bytes of values (see drainSends). */
const MERGE_MAX_BYTES = 1_000_000;
/**
 * Uncompressed (KAFKA_COMPRESSION=none), a request carries at most this many UTF-16 units of
 * keys and values: at most 3 UTF-8 bytes each, 900 kB, under the broker's default
 * message.max.bytes (1 MB) with the records' own overhead. Counting units, not bytes, costs
 * nothing (Buffer.byteLength reads the whole string).
 */
export const NONE_MAX_CHARS = 300_000;

function valueLength(messages: readonly OutgoingMessage[]): number {
  let n = 0;
  for (const m of messages) n += m.value.length;
  return n;
}

function charsOf(messages: readonly OutgoingMessage[]): number {
  let n = 0;
  for (const m of messages) n += m.value.length + (m.key?.length ?? 0);
  return n;
}

/**
 * Consecutive parts of `messages`, each of at most `max` units of keys and values (a single
 * bigger message alone in its part), in order.
 */
export function splitUnder(messages: OutgoingMessage[], max: number): OutgoingMessage[][] {
  const parts: OutgoingMessage[][] = [];
  let part: OutgoingMessage[] = [];
  let size = 0;
  for (const m of messages) {
    const s = m.value.length + (m.key?.length ?? 0);
    if (part.length > 0 && size + s > max) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(m);
    size += s;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** Until every partition of `topics` has a leader (a topic just created may not, for a while). */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let problem: unknown;
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      const leaderless = meta.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) return;
      problem = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      problem = error;
    }
    if (Date.now() > deadline) {
      throw new DependencyUnavailableError(
        `kafka topics not ready: ${typeof problem === 'string' ? problem : describeError(problem)}`,
        { cause: problem, context: { topics } },
      );
    }
    await sleep(200);
  }
}

/**
 * Group membership. A member that dies without leaving (kill -9, a lost machine) holds its
 * partitions until the broker misses its heartbeats for `sessionTimeout`; a restarted process
 * idles that long before it gets them back. 10 s (the broker's floor is 6 s) with a heartbeat
 * every second keeps that short while a slow batch still heartbeats between micro-batches and
 * during backoff waits. A member stopped by a signal leaves the group at once (disconnect).
 */
export const CONSUMER_SESSION_TIMEOUT_MS = 10_000;
export const CONSUMER_HEARTBEAT_INTERVAL_MS = 1_000;

/** The group moved on (rebalance, fenced member): the partition may no longer be ours. */
const REBALANCE_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

class KafkaConsumerAdapter implements BusConsumer {
  private consumer: Consumer | null = null;
  private fatal: unknown = null;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  private stopping: Promise<void> | null = null;
  private readonly state: ConsumerStatus = {
    assigned: false,
    partitions: 0,
    lastLoopAt: null,
    lag: null,
  };
  /** `topic:partition` → lag after the last batch, for the partitions assigned now. */
  private readonly lags = new Map<string, number>();

  constructor(
    private readonly kafka: InstanceType<typeof Kafka>,
    private readonly options: ConsumerOptions,
    private readonly logger: Logger,
    /** Stripped from topic names handed to the handler. */
    private readonly ns = '',
  ) {}

  async run(handler: BatchHandler): Promise<void> {
    const done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Starting is retried like any dependency (a broker that is down, a topic whose leader is
    // not elected yet); a stop() meanwhile ends the attempts, and nothing is left running.
    try {
      await withRetry(() => this.start(handler), {
        ...stageRetry,
        onRetry: (err, attempt, delayMs) =>
          this.logger.warn({
            event: 'consumer_start_retry',
            group: this.options.groupId,
            attempt,
            delayMs,
            err: describeError(err),
          }),
        signal: this.stopSignal.signal,
      });
    } catch (error) {
      if (!this.stopSignal.signal.aborted) this.fail(error);
    }
    if (this.stopSignal.signal.aborted) void this.stop();
    return done;
  }

  private readonly stopSignal = new AbortController();

  /** One attempt: connect, subscribe, run; on failure the half-started consumer is dropped. */
  private async start(handler: BatchHandler): Promise<void> {
    if (this.stopSignal.signal.aborted) return;
    const maxWait = this.options.maxWaitMs ?? 500;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      // Fetch size and wait time are the "batch by size and time" knobs: the broker holds the
      // fetch until minBytes are there or maxWaitTimeInMs passed.
      minBytes: 64 * 1024,
      maxBytes: 16 * 1024 * 1024,
      maxWaitTimeInMs: maxWait,
      sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: CONSUMER_HEARTBEAT_INTERVAL_MS,
      allowAutoTopicCreation: true,
    });
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: this.options.topics,
        fromBeginning: this.options.fromBeginning ?? true,
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.unassigned();
        if (!payload.restart) this.fail(payload.error);
      });
      this.observe(consumer);
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.concurrency ?? 1,
        eachBatch: (payload) => this.eachBatch(payload, handler),
      });
    } catch (error) {
      this.consumer = null;
      await consumer.disconnect().catch(() => undefined);
      throw mapKafkaError(error, 'consumer_start', { group: this.options.groupId });
    }
  }

  status(): ConsumerStatus {
    return { ...this.state };
  }

  /** Assignment, loop turns and lag from the client's instrumentation events. */
  private observe(consumer: Consumer): void {
    const group = this.options.groupId;
    const { events } = consumer;
    const loop = () => {
      this.state.lastLoopAt = Date.now();
      metrics.consumerLastLoop.set({ group }, this.state.lastLoopAt / 1000);
    };
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      const assignment = payload.memberAssignment;
      for (const key of this.lags.keys()) {
        const [topic, partition] = splitKey(key);
        if (!assignment[topic]?.includes(partition)) {
          this.lags.delete(key);
          metrics.consumerLag.remove({ group, topic, partition: String(partition) });
        }
      }
      this.state.partitions = Object.values(assignment).reduce((n, ps) => n + ps.length, 0);
      this.state.assigned = true;
      metrics.consumerPartitions.set({ group }, this.state.partitions);
      loop();
    });
    consumer.on(events.REBALANCING, () => (this.state.assigned = false));
    consumer.on(events.STOP, () => this.unassigned());
    consumer.on(events.DISCONNECT, () => this.unassigned());
    consumer.on(events.FETCH_START, loop);
    consumer.on(events.START_BATCH_PROCESS, loop);
    consumer.on(events.END_BATCH_PROCESS, ({ payload }) => {
      loop();
      const lag = Math.max(0, Number(payload.offsetLag));
      this.lags.set(`${payload.topic}:${payload.partition}`, lag);
      metrics.consumerLag.set(
        { group, topic: payload.topic, partition: String(payload.partition) },
        lag,
      );
      let sum = 0;
      for (const v of this.lags.values()) sum += v;
      this.state.lag = sum;
    });
  }

  private unassigned(): void {
    this.state.assigned = false;
    this.state.partitions = 0;
    metrics.consumerPartitions.set({ group: this.options.groupId }, 0);
  }

  stop(): Promise<void> {
    this.stopSignal.abort();
    this.stopping ??= (async () => {
      try {
        // disconnect() waits for the batch in flight, then leaves the group.
        await this.consumer?.disconnect();
      } finally {
        if (this.fatal) this.settle?.reject(this.fatal);
        else this.settle?.resolve();
      }
    })();
    return this.stopping;
  }

  private fail(error: unknown): void {
    this.fatal ??= error;
    void this.stop();
  }

  private async eachBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const heartbeat = () => payload.heartbeat();
    if (this.fatal) return;
    const maxBatch = this.options.maxBatchSize ?? 1_000;
    const topic = batch.topic.slice(this.ns.length);
    const all = batch.messages.map((m) => toConsumed(topic, batch.partition, m));
    // kafkajs hands whole fetches; cut them to the configured batch size.
    for (let i = 0; i < all.length; i += maxBatch) {
      if (!isRunning() || isStale() || this.fatal) return;
      const messages = all.slice(i, i + maxBatch);
      let outcome;
      try {
        outcome = await handler(
          { topic, partition: batch.partition, messages },
          { isRunning: () => isRunning() && !isStale() && !this.fatal, heartbeat },
        );
      } catch (error) {
        // Nothing of this batch is resolved or committed: it is delivered again after restart.
        if (this.stopping && isRetriable(error)) {
          // Stopped while waiting out an outage: not a failure of the stage.
          this.logger.info({ event: 'batch_abandoned_on_stop', topic: batch.topic });
          return;
        }
        this.logger.error({
          event: 'batch_failed',
          topic: batch.topic,
          partition: batch.partition,
          err: error,
        });
        this.fail(error);
        return;
      }
      const last = outcome?.lastProcessedOffset ?? messages[messages.length - 1]!.offset;
      if (BigInt(last) >= BigInt(messages[0]!.offset)) {
        payload.resolveOffset(last);
        const committed = await this.commit(payload, last);
        // 'lost': another member has the partition and delivers the batch again.
        if (committed !== 'ok') return;
      }
      if (last !== messages[messages.length - 1]!.offset) return; // stopped mid-batch
      await heartbeat();
    }
  }

  /**
   * Commit after a delivered batch, retried with backoff through a broker outage (it failed
   * 0.4 s after the broker stopped, and stopped the stage). When the group moved on meanwhile
   * the partition may be another member's: nothing is committed, the batch is delivered again
   * and the stages' idempotent deliveries drop it.
   */
  private async commit(payload: EachBatchPayload, last: string): Promise<'ok' | 'lost' | 'failed'> {
    const { batch } = payload;
    try {
      await withRetry(
        async () => {
          try {
            await payload.commitOffsetsIfNecessary({
              topics: [
                {
                  topic: batch.topic,
                  partitions: [
                    { partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
                  ],
                },
              ],
            });
          } catch (error) {
            if (isRebalance(error)) throw error;
            throw mapKafkaError(error, 'commit', { topic: batch.topic });
          }
        },
        {
          ...stageRetry,
          signal: this.stopSignal.signal,
          onRetry: (err, attempt, delayMs) =>
            this.logger.warn({
              event: 'commit_retry',
              topic: batch.topic,
              attempt,
              delayMs,
              err: describeError(err),
            }),
        },
      );
      return 'ok';
    } catch (error) {
      if (isRebalance(error) || this.stopping) {
        this.logger.warn({
          event: 'commit_skipped',
          topic: batch.topic,
          partition: batch.partition,
          err: describeError(error),
        });
        return 'lost';
      }
      this.fail(error);
      return 'failed';
    }
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

function isRebalance(error: unknown): boolean {
  const type = (error as { type?: string })?.type;
  return type !== undefined && REBALANCE_ERRORS.has(type);
}

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  const headers: Headers = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString() : null,
    value: m.value ?? Buffer.alloc(0),
    headers,
  };
}

const UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);

/**
 * kafkajs errors carry `retriable`; connection problems become DependencyUnavailableError.
 * kafkajs wraps the last error of its own retries in a KafkaJSNonRetriableError (a produce
 * after a broker outage ended so): what counts is the cause underneath, so the whole chain is
 * looked at.
 */
export function mapKafkaError(
  error: unknown,
  operation: string,
  context: Record<string, unknown> = {},
): Error {
  let retriable = false;
  for (let e = error as KafkaErrorLike | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.retriable === true || UNAVAILABLE.has(e.name ?? '')) retriable = true;
    e = e.cause as KafkaErrorLike | undefined;
  }
  if (retriable) {
    const e = error as KafkaErrorLike;
    return new DependencyUnavailableError(
      `kafka ${operation} failed: ${e?.message ?? String(error)}`,
      { cause: error, context },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

interface KafkaErrorLike {
  name?: string;
  retriable?: boolean;
  message?: string;
  cause?: unknown;
}
