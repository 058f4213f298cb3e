import { createHash } from 'node:crypto';
import type {
  BatchOutcome,
  Bus,
  BusConsumer,
  ConsumedBatch,
  ConsumedMessage,
  ConsumerOptions,
  OutgoingMessage,
} from './bus/port.ts';
import { deadLetterHeaders } from './contracts/dead-letter.ts';
import { dlqTopic, isDlqTopic } from './contracts/topics.ts';
import { describeError, InvalidMessageError, TooManyDeadLettersError } from './errors.ts';
import type { Logger } from './logger.ts';
import { metrics } from './metrics.ts';
import { stageRetry, withRetry, type RetryOptions } from './retry.ts';

/**
 * A stage, as the runner sees it: decode each message (invalid → dead letter), process the
 * valid ones in micro-batches (pure), then deliver the outputs (produce to a topic, or insert
 * into the store). The runner owns the delivery guarantees:
 *
 *   consume batch → decode → process → deliver outputs + dead letters → commit
 *
 * Offsets are committed only after `deliver` and the dead-letter produce resolved. A
 * retriable failure is retried with backoff (by default for about a quarter of an hour, so a
 * broker or ClickHouse outage of minutes is ridden out); if it persists the stage stops
 * without committing. Any other error is a bug: the stage stops, nothing of the batch is
 * committed.
 */
export type ProcessResult<Out> = { ok: true; value: Out } | { ok: false; reason: string };

export interface Stage<In, Out> {
  name: string;
  /** Parse and validate one message. Throw InvalidMessageError for bad data. */
  decode(message: ConsumedMessage): In;
  /** Pure work on a micro-batch; one result per input, in order. */
  process(inputs: In[]): ProcessResult<Out>[] | Promise<ProcessResult<Out>[]>;
  /** Make the outputs durable (produce with acks=-1, or insert). Must be idempotent. */
  deliver(outputs: Out[], source: DeliveryInfo): Promise<void>;
}

export interface DeliveryInfo {
  /** The bus's offset epoch (`Bus.offsetEpoch`): '' on Kafka. */
  epoch: string;
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  /** A hash of the delivered messages' keys (a value where there is no key); '' when unknown. */
  contents?: string;
}

/**
 * The insert dedup token of a delivered batch: the same messages delivered again (a crash
 * between insert and commit) carry the same token, and ClickHouse drops the second insert.
 * The epoch keeps a new process's offsets 0, 1, … from repeating an earlier run's tokens.
 */
export function deliveryToken(info: DeliveryInfo): string {
  const range = `${info.topic}:${info.partition}:${info.firstOffset}-${info.lastOffset}`;
  // The contents too: a Kafka cluster or topic made anew counts offsets from 0 again while
  // ClickHouse still holds the old tokens; a redelivery has the same keys, a new batch does not.
  const token = info.contents ? `${range}:${info.contents}` : range;
  return info.epoch === '' ? token : `${info.epoch}:${token}`;
}

/** `DeliveryInfo.contents` of the messages delivered (keys, or values where there is none). */
export function contentsHash(messages: readonly ConsumedMessage[]): string {
  const hash = createHash('sha1');
  for (const m of messages) {
    if (m.key !== null && m.key !== undefined) hash.update(`k${m.key.length}:`).update(m.key);
    else hash.update(`v${m.value.length}:`).update(m.value);
  }
  return hash.digest('hex').slice(0, 16);
}

export interface StageRunnerOptions {
  bus: Bus;
  logger: Logger;
  consumer: ConsumerOptions;
  /** Inputs per call of `process`; between micro-batches the runner checks for shutdown. */
  microBatchSize?: number;
  retry?: RetryOptions;
  /** Stop the stage after this many dead letters in a row: a broken upstream, not bad luck. */
  maxConsecutiveDeadLetters?: number;
  onBatch?: (stats: BatchStats) => void;
}

export interface BatchStats {
  stage: string;
  topic: string;
  partition: number;
  consumed: number;
  delivered: number;
  deadLettered: number;
  durationMs: number;
}

interface DeadLetter {
  message: ConsumedMessage;
  code: string;
  reason: string;
}

export class StageRunner<In, Out> {
  private consumer: BusConsumer | null = null;
  private consecutiveDead = 0;
  private readonly retry: RetryOptions;
  /** Aborted by stop(): ends a backoff wait, and a stop during startup means "never start". */
  private readonly stopped = new AbortController();

  constructor(
    private readonly stage: Stage<In, Out>,
    private readonly options: StageRunnerOptions,
  ) {
    this.retry = { ...(options.retry ?? stageRetry), signal: this.stopped.signal };
  }

  /** Runs until `stop()`; rejects if the stage had to stop on an error (nothing uncommitted is lost). */
  async run(): Promise<void> {
    const { bus, consumer: consumerOptions, logger } = this.options;
    // A dead-letter topic has no dead letters of its own (its sink never rejects a message):
    // creating `<topic>.dlq.dlq` only littered the broker.
    const dlqs = consumerOptions.topics.filter((t) => !isDlqTopic(t)).map(dlqTopic);
    try {
      await withRetry(() => bus.ensureTopics([...new Set([...consumerOptions.topics, ...dlqs])]), {
        ...this.retry,
        onRetry: (err, attempt, delayMs) =>
          logger.warn({
            event: 'dependency_retry',
            stage: this.stage.name,
            attempt,
            delayMs,
            err: describeError(err),
          }),
      });
    } catch (error) {
      if (this.stopped.signal.aborted) return; // told to stop while waiting: nothing started
      throw error;
    }
    // The process may have been told to stop (another service failed) while we were starting:
    // a consumer started now would run on alone, a process with half its services.
    if (this.stopped.signal.aborted) return;
    this.consumer = bus.consumer(consumerOptions);
    logger.info({
      event: 'stage_started',
      stage: this.stage.name,
      topics: consumerOptions.topics,
      group: consumerOptions.groupId,
    });
    await this.consumer.run((batch, context) =>
      this.handleBatch(batch, context.isRunning, context.heartbeat),
    );
    logger.info({ event: 'stage_stopped', stage: this.stage.name });
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.consumer?.stop();
  }

  /**
   * Ready once its consumer joined the group with an assignment; the detail is what an
   * operator looks at first: when the loop last went round, the lag, the partitions.
   */
  health(): { ready: boolean; detail: Record<string, unknown> } {
    const { groupId, topics } = this.options.consumer;
    const status = this.consumer?.status();
    return {
      ready: status?.assigned ?? false,
      detail: {
        group: groupId,
        topics,
        state: status === undefined ? 'starting' : status.assigned ? 'assigned' : 'joining',
        partitions: status?.partitions ?? 0,
        last_loop_at: status?.lastLoopAt != null ? new Date(status.lastLoopAt).toISOString() : null,
        lag: status?.lag ?? null,
      },
    };
  }

  /** Exposed for tests: one consumed batch through decode → process → deliver. */
  async handleBatch(
    batch: ConsumedBatch,
    isRunning: () => boolean = () => true,
    heartbeat: () => Promise<void> = () => Promise.resolve(),
  ): Promise<BatchOutcome> {
    const started = performance.now();
    const size = this.options.microBatchSize ?? 500;
    const outputs: Out[] = [];
    const dead: DeadLetter[] = [];
    let lastProcessed: ConsumedMessage | null = null;

    for (let i = 0; i < batch.messages.length; i += size) {
      if (i > 0 && !isRunning()) break; // shutdown: finish what we have, leave the rest uncommitted
      const slice = batch.messages.slice(i, i + size);
      const decoded: Array<{ message: ConsumedMessage; input: In }> = [];
      for (const message of slice) {
        try {
          decoded.push({ message, input: this.stage.decode(message) });
        } catch (error) {
          if (!(error instanceof InvalidMessageError)) throw error;
          dead.push({ message, code: error.code, reason: error.message });
        }
      }
      const results =
        decoded.length > 0 ? await this.stage.process(decoded.map((d) => d.input)) : [];
      if (results.length !== decoded.length) {
        throw new Error(
          `stage ${this.stage.name}: process returned ${results.length} results for ${decoded.length} inputs`,
        );
      }
      results.forEach((result, j) => {
        if (result.ok) outputs.push(result.value);
        else
          dead.push({
            message: decoded[j]!.message,
            code: 'processing_failed',
            reason: result.reason,
          });
      });
      this.trackDeadRun(
        slice.length,
        dead.length,
        decoded.length - results.filter((r) => !r.ok).length,
      );
      lastProcessed = slice[slice.length - 1]!;
    }

    if (lastProcessed === null) {
      // Stopped before anything was processed: commit nothing.
      return { lastProcessedOffset: (BigInt(batch.messages[0]!.offset) - 1n).toString() };
    }

    const info: DeliveryInfo = {
      epoch: this.options.bus.offsetEpoch,
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.messages[0]!.offset,
      lastOffset: lastProcessed.offset,
      contents: contentsHash(batch.messages.slice(0, batch.messages.indexOf(lastProcessed) + 1)),
    };
    const retry = {
      ...this.retry,
      onRetry: (err: unknown, attempt: number, delayMs: number) => {
        this.options.logger.warn({
          event: 'dependency_retry',
          stage: this.stage.name,
          attempt,
          delayMs,
          err: describeError(err),
        });
        // Waiting out a ClickHouse outage must not cost the group membership (the session
        // timeout is short, see docs/architecture.md); a failed heartbeat changes nothing here.
        heartbeat().catch(() => undefined);
      },
    };
    if (outputs.length > 0) await withRetry(() => this.stage.deliver(outputs, info), retry);
    if (dead.length > 0) {
      await withRetry(
        () =>
          this.options.bus.produce(
            dlqTopic(batch.topic),
            dead.map((d) => toDeadLetter(d, this.stage.name)),
          ),
        retry,
      );
      this.options.logger.warn({
        event: 'dlq_produced',
        stage: this.stage.name,
        topic: dlqTopic(batch.topic),
        count: dead.length,
        first_reason: dead[0]!.reason.slice(0, 200),
      });
    }

    const stats: BatchStats = {
      stage: this.stage.name,
      topic: batch.topic,
      partition: batch.partition,
      consumed: batch.messages.length,
      delivered: outputs.length,
      deadLettered: dead.length,
      durationMs: performance.now() - started,
    };
    metrics.messagesConsumed.inc({ stage: stats.stage }, stats.consumed);
    metrics.messagesDelivered.inc({ stage: stats.stage }, stats.delivered);
    if (stats.deadLettered > 0) metrics.deadLetters.inc({ stage: stats.stage }, stats.deadLettered);
    metrics.batchSeconds.observe({ stage: stats.stage }, stats.durationMs / 1000);
    this.options.logger.debug({ event: 'batch_processed', ...stats });
    this.options.onBatch?.(stats);
    return { lastProcessedOffset: lastProcessed.offset };
  }

  private trackDeadRun(sliceSize: number, deadSoFar: number, okInSlice: number): void {
    const limit = this.options.maxConsecutiveDeadLetters ?? 10_000;
    if (okInSlice > 0) this.consecutiveDead = 0;
    else this.consecutiveDead += sliceSize;
    if (this.consecutiveDead >= limit) {
      throw new TooManyDeadLettersError(
        `stage ${this.stage.name} stopped: ${this.consecutiveDead} messages in a row were invalid (${deadSoFar} in this batch); ` +
          'check the producer upstream, the dead letters are in the DLQ',
        { context: { stage: this.stage.name } },
      );
    }
  }
}

/** The original bytes, with why and where in headers, so a DLQ reader can replay or inspect. */
function toDeadLetter(dead: DeadLetter, stage: string): OutgoingMessage {
  return {
    key: dead.message.key,
    value: dead.message.value,
    headers: {
      ...dead.message.headers,
      ...deadLetterHeaders({
        code: dead.code,
        reason: dead.reason,
        stage,
        sourceTopic: dead.message.topic,
        sourcePartition: dead.message.partition,
        sourceOffset: dead.message.offset,
        failedAt: new Date(),
      }),
    },
  };
}
