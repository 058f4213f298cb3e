import { InProcessBus } from '../core/bus/in-process.ts';
import { dlqTopic, Topics } from '../core/contracts/topics.ts';
import { describeError } from '../core/errors.ts';
import { sleep } from '../core/retry.ts';
import type { Service } from '../core/runtime/services.ts';
import { enrichServices } from './roles/enrich.ts';
import { sinkServices } from './roles/sink.ts';
import type { Runtime } from './runtime.ts';

export interface RunningPipeline {
  /**
   * Resolves when every message produced so far is enriched and stored, dead letters included
   * (in-process bus only).
   */
  drain(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** The in-process pipeline's two hops, as (topic, consumer group): what ingest produces… */
export const INGEST_HOP: ReadonlyArray<readonly [string, string]> = [
  [Topics.raw, 'earshot-enrich'],
  [dlqTopic(Topics.raw), 'earshot-dlq-sink'],
];
/** …and what enrich produces from it, which the sinks store. */
export const STORE_HOP: ReadonlyArray<readonly [string, string]> = [
  [Topics.enriched, 'earshot-sink'],
  [dlqTopic(Topics.enriched), 'earshot-dlq-sink'],
];

/**
 * A point in the in-process bus: the messages produced before it (on the ingest hop, when it was
 * taken). `stored()` tells when enrich and the sinks have committed past all of them, so their
 * mentions (or dead letters) are in the store and a kill can no longer lose them.
 */
export class StoredMark {
  private readonly ingestEnds: number[];
  /** End offsets of the store hop's topics once the ingest hop was committed past the above. */
  private storeEnds: number[] | null = null;

  constructor(private readonly bus: InProcessBus) {
    this.ingestEnds = INGEST_HOP.map(([topic]) => bus.endOffset(topic));
  }

  stored(): boolean {
    if (this.storeEnds === null) {
      if (!this.past(INGEST_HOP, this.ingestEnds)) return false;
      // Enrich produced what it made of those messages before it committed them: their
      // enriched messages all lie before the next hop's end as it is now.
      this.storeEnds = STORE_HOP.map(([topic]) => this.bus.endOffset(topic));
    }
    return this.past(STORE_HOP, this.storeEnds);
  }

  /** Resolves true once `stored()`, false after `timeoutMs`. */
  async until(timeoutMs: number, pollMs = 20): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stored()) {
      if (Date.now() >= deadline) return false;
      await sleep(pollMs);
    }
    return true;
  }

  private past(hop: typeof INGEST_HOP, ends: number[]): boolean {
    return hop.every(([topic, group], i) => this.bus.committedOffset(topic, group) >= ends[i]!);
  }
}

/**
 * Until every message produced so far on the in-process bus is enriched and stored, dead
 * letters included; true at once on Kafka (nothing lives in this process's memory there).
 */
export async function drainInProcess(rt: Runtime, timeoutMs = 120_000): Promise<boolean> {
  if (!(rt.bus instanceof InProcessBus)) return true;
  const bus = rt.bus;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ([...INGEST_HOP, ...STORE_HOP].every(([topic, group]) => bus.lag(topic, group) === 0))
      return true;
    await sleep(50);
  }
  return false;
}

/**
 * Listed right after the stages, so on stop it runs once every producer of this process
 * (sources, the API's ingest, the admin endpoint) stopped and before the stages do: with the
 * in-process bus, unconsumed messages live only in memory, and nothing acknowledged is lost on
 * a clean stop.
 */
export function drainService(rt: Runtime, timeoutMs: number): Service {
  return {
    id: 'drain',
    start: () => Promise.resolve(),
    stop: async () => {
      if (!(await drainInProcess(rt, timeoutMs)))
        rt.logger.warn({ event: 'drain_timeout', timeoutMs }, 'stopping with messages in flight');
    },
  };
}

/** Enrich and sink in this process, for a command that is no long-running process (`import`). */
export async function startPipeline(rt: Runtime): Promise<RunningPipeline> {
  const services = [...sinkServices(rt), ...enrichServices(rt)];
  let failure: unknown = null;
  const started: Service[] = [];
  const stop = async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
  };
  for (const s of services) {
    await s.start({ fail: (error) => (failure ??= error) }).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    started.push(s);
  }
  return {
    drain: async (timeoutMs) => {
      const drained = await drainInProcess(rt, timeoutMs);
      if (failure !== null)
        throw failure instanceof Error ? failure : new Error(describeError(failure));
      return drained;
    },
    stop,
  };
}
