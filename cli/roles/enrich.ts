import type { Mention } from '../../core/contracts/mention.ts';
import { Topics } from '../../core/contracts/topics.ts';
import { describeError } from '../../core/errors.ts';
import type { Service } from '../../core/runtime/services.ts';
import { StageRunner } from '../../core/stage-runner.ts';
import type { EarshotConfig } from '../../core/workspace-config.ts';
import { compileWatchQueries, type WatchMatcher } from '../../enrich/match/index.ts';
import { compileOwned } from '../../enrich/owned/index.ts';
import type { Enrichers } from '../../enrich/pipeline/enrich.ts';
import { freshStateful, restoreStateful, saveStateful } from '../../enrich/pipeline/state.ts';
import { loadSentimentScorer } from '../../enrich/sentiment/index.ts';
import type { SentimentTiers } from '../../enrich/pipeline/batch.ts';
import { loadSentimentTiers } from '../../enrich/pipeline/sentiment-tiers.ts';
import { enrichStage } from '../../enrich/stage.ts';
import { StoreStateStore } from '../../store/state-store.ts';
import type { Runtime } from '../runtime.ts';

export function compileMatcher(config: EarshotConfig): WatchMatcher {
  return compileWatchQueries(
    config.workspaces.flatMap((ws) =>
      ws.brands.map((b) => ({ workspace: ws.id, brand: b.id, query: b.query })),
    ),
  );
}

/** Stateless enrichers plus fresh (empty) topic, dedup and spam state. */
export function loadEnrichers(config: EarshotConfig): Enrichers {
  return {
    sentiment: loadSentimentScorer(),
    matcher: compileMatcher(config),
    owned: compileOwned(config.workspaces),
    ...freshStateful(),
    now: () => new Date(),
  };
}

export function enrichRunner(
  rt: Runtime,
  enrichers: Enrichers,
  tiers?: SentimentTiers | null,
): StageRunner<Mention, unknown> {
  return new StageRunner(enrichStage(rt.bus, enrichers, undefined, tiers), {
    bus: rt.bus,
    logger: rt.logger.child({ role: 'enrich' }),
    consumer: {
      groupId: 'earshot-enrich',
      topics: [Topics.raw],
      maxBatchSize: rt.settings.ENRICH_BATCH_MAX,
      maxWaitMs: 100,
    },
  });
}

/**
 * The enrich role: models loaded once, topic/dedup/spam state restored from the store and
 * snapshotted every ENRICH_SNAPSHOT_INTERVAL_S and on stop, watch queries recompiled on
 * config reload.
 */
export function enrichServices(rt: Runtime): Service[] {
  const logger = rt.logger.child({ role: 'enrich' });
  let runner: StageRunner<Mention, unknown> | null = null;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let snapshot: () => Promise<void> = () => Promise.resolve();
  let tiers: SentimentTiers | null = null;
  return [
    {
      id: 'enrich',
      async start(ctx) {
        const state = new StoreStateStore(rt.store);
        const prefix = rt.settings.ENRICH_STATE_KEY;
        const enrichers: Enrichers = {
          sentiment: loadSentimentScorer(),
          matcher: compileMatcher(rt.config()),
          owned: compileOwned(rt.config().workspaces),
          ...(await restoreStateful(state, prefix, logger)),
          now: () => new Date(),
        };
        // New or edited watch queries apply from the next batch, without a restart.
        rt.onConfigChange((config) => {
          try {
            enrichers.matcher = compileMatcher(config);
            enrichers.owned = compileOwned(config.workspaces);
          } catch (error) {
            logger.error(
              { event: 'watch_queries_invalid', err: describeError(error) },
              'keeping the previous watch queries',
            );
          }
        });
        snapshot = async () => {
          try {
            await saveStateful(state, prefix, enrichers);
            logger.debug({ event: 'enrich_state_saved' });
          } catch (error) {
            logger.warn({ event: 'enrich_state_save_failed', err: describeError(error) });
          }
        };
        // SENTIMENT_TIER: the accurate tier while the stage keeps up (auto), or one tier.
        tiers = await loadSentimentTiers(rt.settings.SENTIMENT_TIER, {
          budgetMs: rt.settings.SENTIMENT_BUDGET_MS,
          fullBatch: rt.settings.ENRICH_BATCH_MAX,
          onUnavailable: (reason) =>
            logger.warn(
              { event: 'sentiment_accurate_unavailable', reason },
              'accurate sentiment unavailable: the fast tier scores every mention',
            ),
          onError: (error) =>
            logger.warn(
              { event: 'sentiment_accurate_failed', err: describeError(error) },
              'accurate sentiment failed on a batch: it keeps its fast scores',
            ),
        });
        logger.info({
          event: 'sentiment_tier',
          tier: tiers === null ? 'fast' : rt.settings.SENTIMENT_TIER,
        });
        runner = enrichRunner(rt, enrichers, tiers);
        running = runner.run();
        running.catch((error: unknown) => ctx.fail(error));
        timer = setInterval(() => void snapshot(), rt.settings.ENRICH_SNAPSHOT_INTERVAL_S * 1000);
        timer.unref();
      },
      async stop() {
        if (timer) clearInterval(timer);
        await runner?.stop();
        await running?.catch(() => undefined);
        await snapshot();
        await tiers?.accurate?.close();
      },
      health: () => runner?.health() ?? { ready: false },
    },
  ];
}
