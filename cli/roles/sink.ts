import { dlqTopic, Topics } from '../../core/contracts/topics.ts';
import { stageService } from '../../core/runtime/stage-service.ts';
import type { Service } from '../../core/runtime/services.ts';
import { StageRunner } from '../../core/stage-runner.ts';
import { deadLetterSinkStage } from '../../store/sink/dead-letters.ts';
import { sinkStage } from '../../store/sink/stage.ts';
import type { Runtime } from '../runtime.ts';

/** The sink role: enriched mentions into the store, and the dead letters of every topic. */
export function sinkRunners(
  rt: Runtime,
): Array<StageRunner<Record<string, unknown>, Record<string, unknown>>> {
  const logger = rt.logger.child({ role: 'sink' });
  return [
    new StageRunner(sinkStage(rt.store), {
      bus: rt.bus,
      logger,
      consumer: {
        groupId: 'earshot-sink',
        topics: [Topics.enriched],
        maxBatchSize: rt.settings.SINK_BATCH_MAX_ROWS,
        maxWaitMs: rt.settings.SINK_FLUSH_INTERVAL_MS,
      },
      // The whole consumed batch is one insert.
      microBatchSize: rt.settings.SINK_BATCH_MAX_ROWS,
    }),
    new StageRunner(deadLetterSinkStage(rt.store), {
      bus: rt.bus,
      logger,
      consumer: {
        groupId: 'earshot-dlq-sink',
        topics: [dlqTopic(Topics.raw), dlqTopic(Topics.enriched)],
        maxWaitMs: 1_000,
      },
    }),
  ];
}

/** Runners are made at start: they need the started store and bus. */
export function sinkServices(rt: Runtime): Service[] {
  const ids = ['sink', 'dead-letter-sink'];
  let services: Service[] | null = null;
  const made = () => (services ??= sinkRunners(rt).map((r, i) => stageService(ids[i]!, r)));
  return ids.map((id, i) => ({
    id,
    start: (ctx) => made()[i]!.start(ctx),
    stop: () => made()[i]!.stop(),
    health: () => made()[i]!.health!(),
  }));
}
