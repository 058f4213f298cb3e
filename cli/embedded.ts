import { InProcessBus } from '../core/bus/in-process.ts';
import { dlqTopic, Topics } from '../core/contracts/topics.ts';
import { describeError } from '../core/errors.ts';
import { sleep } from '../core/retry.ts';
import { createEnrichRole, sinkRunners, type Runtime } from './roles.ts';

export interface RunningPipeline {
  /**
   * Resolves when every message produced so far is enriched and stored, dead letters included
   * (in-process bus only).
   */
  drain(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
  /** Rejects when a stage stopped on an error. */
  failed: Promise<never>;
}

/**
 * Enrich and sink running in this process. With the in-process bus, unconsumed messages live
 * only in memory, so callers drain before stopping: nothing acknowledged is lost on a clean stop.
 */
export async function startPipeline(rt: Runtime): Promise<RunningPipeline> {
  const runners = [await createEnrichRole(rt), ...sinkRunners(rt)];
  let stopping = false;
  const failed = new Promise<never>((_resolve, reject) => {
    for (const r of runners) {
      r.run().catch((error: unknown) => {
        if (!stopping) {
          rt.logger.error({ event: 'stage_failed', err: describeError(error) });
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }
  });
  failed.catch(() => undefined);

  return {
    failed,
    async drain(timeoutMs = 120_000) {
      if (!(rt.bus instanceof InProcessBus)) return true;
      const bus = rt.bus;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (
          bus.lag(Topics.raw, 'earshot-enrich') === 0 &&
          bus.lag(Topics.enriched, 'earshot-sink') === 0 &&
          bus.lag(dlqTopic(Topics.raw), 'earshot-dlq-sink') === 0 &&
          bus.lag(dlqTopic(Topics.enriched), 'earshot-dlq-sink') === 0
        )
          return true;
        await sleep(50);
      }
      return false;
    },
    async stop() {
      stopping = true;
      // Upstream first, so the sink stores what enrich produced while stopping.
      await runners[0]!.stop();
      await Promise.all(runners.slice(1).map((r) => r.stop()));
    },
  };
}
