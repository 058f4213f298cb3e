import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/app.ts';
import { createBus, type Bus } from '../core/bus/index.ts';
import type { Mention } from '../core/contracts/mention.ts';
import { dlqTopic, Topics } from '../core/contracts/topics.ts';
import type { Logger } from '../core/logger.ts';
import { StageRunner } from '../core/stage-runner.ts';
import { loadEarshotConfig, type EarshotConfig } from '../core/workspace-config.ts';
import type { Enrichers } from '../enrich/pipeline/enrich.ts';
import { compileWatchQueries } from '../enrich/match/index.ts';
import { loadSentimentScorer } from '../enrich/sentiment/index.ts';
import { enrichStage } from '../enrich/stage.ts';
import { resolveDemoIncidentStart, runDemoConnector } from '../ingest/demo/connector.ts';
import type { IngestDeadLetter, IngestPorts } from '../ingest/ports.ts';
import { StoreCursorStore } from '../store/cursor-store.ts';
import { openStore, type Store } from '../store/index.ts';
import { migrate } from '../store/migrate.ts';
import { deadLetterSinkStage } from '../store/sink/dead-letters.ts';
import { sinkStage } from '../store/sink/stage.ts';
import { configPath, type AppSettings } from './settings.ts';

/**
 * The roles an earshot process can play, each started from the same pieces. `earshot start`
 * runs all of them in one process on the in-process bus; production runs one role per
 * process (`earshot run <role>`) on Kafka. Same code path either way.
 */
export interface Runtime {
  settings: AppSettings;
  logger: Logger;
  bus: Bus;
  store: Store;
  config: () => EarshotConfig;
  configFile: string;
}

export async function openRuntime(settings: AppSettings, logger: Logger): Promise<Runtime> {
  const configFile = configPath(settings);
  const config = loadEarshotConfig(configFile);
  const store = await openStore(settings);
  const applied = await migrate(store, logger);
  logger.info({
    event: 'store_ready',
    store: store.kind,
    database: store.database,
    migrations_applied: applied.length,
  });
  const bus = createBus(settings, logger);
  return { settings, logger, bus, store, config: () => config, configFile };
}

export function loadEnrichers(config: EarshotConfig): Enrichers {
  const defs = config.workspaces.flatMap((ws) =>
    ws.brands.map((b) => ({ workspace: ws.id, brand: b.id, query: b.query })),
  );
  return {
    sentiment: loadSentimentScorer(),
    matcher: compileWatchQueries(defs),
    now: () => new Date(),
  };
}

export function enrichRunner(
  rt: Runtime,
  enrichers: Enrichers = loadEnrichers(rt.config()),
): StageRunner<Mention, unknown> {
  return new StageRunner(enrichStage(rt.bus, enrichers), {
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

/** What a connector gets: produce to mentions.raw.v1 (keyed by id), dead letters, cursors. */
export function ingestPorts(rt: Runtime, signal: AbortSignal): IngestPorts {
  return {
    produce: (mentions) =>
      rt.bus.produce(
        Topics.raw,
        mentions.map((m) => ({ key: m.id, value: JSON.stringify(m) })),
      ),
    deadLetter: (items: IngestDeadLetter[]) =>
      rt.bus.produce(
        dlqTopic(Topics.raw),
        items.map((d) => ({
          key: null,
          value: d.payload,
          headers: {
            'x-error-code': 'invalid_source_item',
            'x-error-reason': d.reason.slice(0, 4_000),
            'x-error-stage': `ingest:${d.source}`,
            'x-source-topic': `source:${d.source}`,
            'x-failed-at': new Date().toISOString(),
          },
        })),
      ),
    cursors: new StoreCursorStore(rt.store),
    logger: rt.logger.child({ role: 'ingest' }),
    signal,
    now: () => new Date(),
  };
}

/** The synthetic demo source; resolves when `signal` aborts. */
export async function runDemo(rt: Runtime, signal: AbortSignal): Promise<void> {
  const ports = ingestPorts(rt, signal);
  await rt.bus.ensureTopics([Topics.raw, dlqTopic(Topics.raw)]);
  const incidentStart = await resolveDemoIncidentStart(ports);
  await runDemoConnector(
    {
      ratePerMinute: rt.settings.DEMO_RATE_PER_MINUTE,
      backfillHours: rt.settings.DEMO_BACKFILL_HOURS,
      tickMs: rt.settings.DEMO_TICK_MS,
      incident: { brand: 'nimbus', start: incidentStart, durationMinutes: 90, volumeFactor: 5 },
    },
    ports,
  );
}

export async function startApi(rt: Runtime, ready: () => boolean): Promise<FastifyInstance> {
  const app = await buildApi({ store: rt.store, config: rt.config, logger: rt.logger, ready });
  await app.listen({ port: rt.settings.PORT, host: rt.settings.HOST });
  return app;
}
