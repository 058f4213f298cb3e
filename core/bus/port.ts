/**
 * The bus port: what stages need from a message bus, with two adapters of the same semantics
 * (`kafka.ts` for production, `in-process.ts` for the embedded default and unit tests):
 *
 * - batches: a consumer hands its handler a batch of messages from one topic-partition;
 * - at-least-once: offsets are committed only after the handler resolves, and only up to the
 *   offset it reports as processed; a handler that throws commits nothing and the batch is
 *   delivered again (to this consumer after a restart, or to another member of the group);
 * - backpressure: a consumer fetches the next batch only after the handler finished, and the
 *   in-process bus makes `produce` wait while consumers are too far behind.
 */

export type Headers = Record<string, string>;

export interface OutgoingMessage {
  /** Partition key; we key by mention id so one mention always lands on one partition. */
  key: string | null;
  value: Buffer | string;
  headers?: Headers;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  /** Offsets are decimal strings, as in Kafka (they can exceed 2^53). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Headers;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}

export interface BatchContext {
  /** False once `stop()` was called: a handler stops between micro-batches. */
  readonly isRunning: () => boolean;
  /** Tell the group we are alive during long batches. */
  readonly heartbeat: () => Promise<void>;
}

export interface BatchOutcome {
  /**
   * Offset of the last message fully handled. Undefined means the whole batch. Offsets up to
   * and including this one are committed; the rest is delivered again.
   */
  lastProcessedOffset?: string;
}

export type BatchHandler = (
  batch: ConsumedBatch,
  context: BatchContext,
) => Promise<BatchOutcome | void>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a new group starts. Defaults to the beginning: a new stage must not skip data. */
  fromBeginning?: boolean;
  /** Upper bound on messages handed to one handler call. */
  maxBatchSize?: number;
  /** How long to wait for a batch to fill before handing over what is there (ms). */
  maxWaitMs?: number;
  /**
   * Partitions handled at once (Kafka; default 1). Batches of one partition stay in order;
   * while one batch waits for its produce acknowledgement or commit, another is processed.
   */
  concurrency?: number;
}

export interface BusConsumer {
  /**
   * Consume until `stop()` or until the handler throws a non-retriable error. Resolves when
   * stopped cleanly; rejects with the handler's error (nothing of that batch committed).
   */
  run(handler: BatchHandler): Promise<void>;
  /** Let the batch in flight finish, commit what it reported, and leave the group. */
  stop(): Promise<void>;
  /** What readiness and the ops port report: assignment, the loop's last turn, lag. */
  status(): ConsumerStatus;
}

export interface ConsumerStatus {
  /** Joined its group with an assignment (Kafka; a member with no partition counts), or running. */
  assigned: boolean;
  /** Partitions this member was assigned. */
  partitions: number;
  /** When the consume loop last went round (a fetch, or an idle wait), epoch ms; null before. */
  lastLoopAt: number | null;
  /** Messages between the last batch handled and the end of its partitions, summed; null before. */
  lag: number | null;
}

export interface Bus {
  readonly kind: 'kafka' | 'memory';
  /**
   * Names the numbering of this bus's offsets: an offset identifies a message only within one
   * epoch. Kafka keeps offsets in the broker, so it has one epoch forever (''); the in-process
   * bus counts from 0 in every process, so each instance is a new epoch. Insert dedup tokens
   * built from offsets carry it (`deliveryToken`).
   */
  readonly offsetEpoch: string;
  /** Create topics if missing (no-op for the in-process bus). */
  ensureTopics(topics: string[]): Promise<void>;
  /** Resolves once every message is acknowledged by all in-sync replicas (acks=-1). */
  produce(topic: string, messages: OutgoingMessage[]): Promise<void>;
  consumer(options: ConsumerOptions): BusConsumer;
  /** Flush and disconnect producers; consumers must be stopped first. */
  close(): Promise<void>;
  /** Resolves when the bus answers (a broker's metadata); rejects with why not. */
  ping(): Promise<void>;
}
