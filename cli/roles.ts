import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/app.ts';
import type { KeyChanges } from '../api/auth.ts';
import { alertRoutes } from '../api/routes/alerts.ts';
import { ingestRoutes } from '../api/routes/ingest.ts';
import { uiRoutes } from '../api/routes/ui.ts';
import { createBus, type Bus } from '../core/bus/index.ts';
import { deadLetterHeaders } from '../core/contracts/dead-letter.ts';
import type { Mention } from '../core/contracts/mention.ts';
import { dlqTopic, Topics } from '../core/contracts/topics.ts';
import type { Logger } from '../core/logger.ts';
import { StageRunner } from '../core/stage-runner.ts';
import { describeError } from '../core/errors.ts';
import {
  loadEarshotConfig,
  watchEarshotConfig,
  type EarshotConfig,
} from '../core/workspace-config.ts';
import type { Enrichers } from '../enrich/pipeline/enrich.ts';
import { compileWatchQueries, type WatchMatcher } from '../enrich/match/index.ts';
import { compileOwned, type OwnedIndex } from '../enrich/owned/index.ts';
import { loadSentimentScorer } from '../enrich/sentiment/index.ts';
import type { SentimentTiers } from '../enrich/pipeline/batch.ts';
import { loadSentimentTiers } from '../enrich/pipeline/sentiment-tiers.ts';
import { enrichStage } from '../enrich/stage.ts';
import { freshStateful, restoreStateful, saveStateful } from '../enrich/pipeline/state.ts';
import { StoreStateStore } from '../store/state-store.ts';
import { createDemoConnector, resolveDemoIncidentStart } from '../ingest/demo/connector.ts';
import { RefreshConfigSchema } from '../ingest/refresh/config.ts';
import { createRefresher } from '../ingest/refresh/refresher.ts';
import type { IngestDeadLetter, IngestPorts } from '../ingest/ports.ts';
import { startConnectors } from '../ingest/runtime.ts';
import { createApiKey, listApiKeys, parseApiKey } from '../store/queries/api-keys.ts';
import { StoreCursorStore } from '../store/cursor-store.ts';
import { openStore, type Store } from '../store/index.ts';
import { migrate } from '../store/migrate.ts';
import { applyRetention } from '../store/retention.ts';
import { deadLetterSinkStage } from '../store/sink/dead-letters.ts';
import { sinkStage } from '../store/sink/stage.ts';
import { CONFIG_RULES } from './config-rules.ts';
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
  /** The configuration in force: reloaded when the file changes (a bad edit is ignored). */
  config: () => EarshotConfig;
  /** Called after each successful reload. */
  onConfigChange: (listener: (config: EarshotConfig) => void) => void;
  configFile: string;
  /** Stop watching the config file. */
  close: () => void;
}

export async function openRuntime(
  settings: AppSettings,
  logger: Logger,
  options: { watchConfig?: boolean } = {},
): Promise<Runtime> {
  const configFile = configPath(settings);
  // Every check up front (unknown keys, watch queries, alert rules): a bad config stops the
  // process here, naming file and line, before anything is opened.
  let config = loadEarshotConfig(configFile, CONFIG_RULES);
  const store = await openStore(settings);
  let bus: Bus;
  try {
    const applied = await migrate(store, logger);
    await applyRetention(
      store,
      settings.STORE_RETENTION_DAYS,
      settings.STORE_ROLLUP_RETENTION_DAYS,
    );
    logger.info({
      event: 'store_ready',
      store: store.kind,
      database: store.database,
      migrations_applied: applied.length,
    });
    bus = createBus(settings, logger);
  } catch (error) {
    await store.close().catch(() => undefined); // the error that matters is the first one
    throw error;
  }
  // Watching starts last: an open watcher keeps the process alive, so an error above must not
  // leave one behind.
  const listeners: Array<(c: EarshotConfig) => void> = [];
  const watcher =
    options.watchConfig === false
      ? null
      : watchEarshotConfig(
          configFile,
          (next) => {
            config = next;
            logger.info({ event: 'config_reloaded', file: configFile });
            for (const l of listeners) l(next);
          },
          (error) =>
            logger.error(
              { event: 'config_reload_failed', file: configFile, err: describeError(error) },
              'config change ignored',
            ),
          CONFIG_RULES,
        );
  return {
    settings,
    logger,
    bus,
    store,
    config: () => config,
    onConfigChange: (l) => listeners.push(l),
    configFile,
    close: () => watcher?.close(),
  };
}

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

/** A role that runs, and stops. */
export interface RoleHandle {
  run(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The enrich role: models loaded once, topic/dedup/spam state restored from the store and
 * snapshotted every ENRICH_SNAPSHOT_INTERVAL_S and on stop, watch queries recompiled on
 * config reload.
 */
export async function createEnrichRole(rt: Runtime): Promise<RoleHandle> {
  const logger = rt.logger.child({ role: 'enrich' });
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
  const tiers = await loadSentimentTiers(rt.settings.SENTIMENT_TIER, {
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
  const runner = enrichRunner(rt, enrichers, tiers);
  const snapshot = async () => {
    try {
      await saveStateful(state, prefix, enrichers);
      logger.debug({ event: 'enrich_state_saved' });
    } catch (error) {
      logger.warn({ event: 'enrich_state_save_failed', err: describeError(error) });
    }
  };
  const timer = setInterval(() => void snapshot(), rt.settings.ENRICH_SNAPSHOT_INTERVAL_S * 1000);
  timer.unref();
  return {
    run: () => runner.run(),
    stop: async () => {
      clearInterval(timer);
      await runner.stop();
      await snapshot();
      await tiers?.accurate?.close();
    },
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
          headers: deadLetterHeaders({
            code: 'invalid_source_item',
            reason: d.reason,
            stage: `ingest:${d.source}`,
            sourceTopic: `source:${d.source}`,
            failedAt: new Date(),
            ...(d.workspace !== undefined ? { workspace: d.workspace } : {}),
          }),
        })),
      ),
    cursors: new StoreCursorStore(rt.store),
    logger: rt.logger.child({ role: 'ingest' }),
    signal,
    now: () => new Date(),
  };
}

/**
 * The synthetic demo source, with its engagement re-read on the default refresh schedule
 * (15 min, 1 h, 6 h, 24 h) unless DEMO_REFRESH is off; resolves when `signal` aborts.
 */
export async function runDemo(rt: Runtime, signal: AbortSignal): Promise<void> {
  const ports = ingestPorts(rt, signal);
  await rt.bus.ensureTopics([Topics.raw, dlqTopic(Topics.raw)]);
  const incidentStart = await resolveDemoIncidentStart(ports);
  const connector = createDemoConnector({
    ratePerMinute: rt.settings.DEMO_RATE_PER_MINUTE,
    backfillHours: rt.settings.DEMO_BACKFILL_HOURS,
    tickMs: rt.settings.DEMO_TICK_MS,
    incident: { brand: 'nimbus', start: incidentStart, durationMinutes: 90, volumeFactor: 5 },
  });
  const refresher = rt.settings.DEMO_REFRESH
    ? createRefresher(connector, ports, RefreshConfigSchema.parse(undefined))
    : null;
  // Re-reading stops with the demo's own loop, however that ends (a failed produce included).
  const refreshStop = new AbortController();
  const refreshing = refresher?.run(AbortSignal.any([signal, refreshStop.signal]));
  try {
    await connector.run(refresher?.ports ?? ports);
  } finally {
    refreshStop.abort();
    await refreshing;
  }
}

/**
 * What a source keeps before the bus (the Bluesky firehose needs it most). mayMatch, not match:
 * at ingest the language is not detected yet, so a `lang:` filter must count as "unknown", not
 * as a miss. Owned accounts' posts and the replies to them are kept whatever they say
 * (enrichment assigns them to their brand).
 */
export function sourceFilter(matcher: WatchMatcher, owned: OwnedIndex): (m: Mention) => boolean {
  return (m) =>
    matcher.mayMatch({
      text: m.text,
      title: m.title,
      lang: m.lang,
      source: m.source,
      author: m.author.handle,
      url: m.url,
    }) ||
    (owned.size > 0 && owned.owners(m).length > 0);
}

/** The configured public sources (Bluesky, Mastodon, HN, …); firehoses keep only matching posts. */
export function startSourceConnectors(rt: Runtime, signal: AbortSignal) {
  let matcher = compileMatcher(rt.config());
  let owned = compileOwned(rt.config().workspaces);
  rt.onConfigChange((config) => {
    try {
      matcher = compileMatcher(config);
      owned = compileOwned(config.workspaces);
    } catch {
      // reported by the enrich role's listener; keep the previous queries
    }
  });
  const filter = (m: Mention) => sourceFilter(matcher, owned)(m);
  // Connectors fetch what the owned accounts need (a YouTube channel's comments, a Bluesky
  // handle resolved to its DID); accounts added later need a restart of the ingest role.
  const accounts = (source: string) => owned.accounts(source);
  return startConnectors(rt.config().sources, ingestPorts(rt, signal), process.env, {
    filter,
    ownedAccounts: accounts,
  });
}

/**
 * The `/v1` routes beyond the read API, for every process that serves it. The security suite
 * (test/integration/security/) builds its API from this too, so a route added here is covered.
 */
export function apiExtraRoutes(ports: Pick<IngestPorts, 'produce' | 'deadLetter'>) {
  return [ingestRoutes(ports), alertRoutes];
}

export async function startApi(
  rt: Runtime,
  ready: () => boolean,
  demoKey?: { key: string; workspace: string },
  keyChanges?: KeyChanges,
): Promise<FastifyInstance> {
  const ports = ingestPorts(rt, new AbortController().signal);
  const app = await buildApi({
    store: rt.store,
    config: rt.config,
    logger: rt.logger,
    ready,
    demoKey,
    rateLimitPerSecond: rt.settings.API_RATE_LIMIT_PER_S,
    cacheTtlMs: rt.settings.API_CACHE_TTL_MS,
    bodyLimitBytes: rt.settings.API_BODY_LIMIT_BYTES,
    engagementWeights: rt.settings.ENGAGEMENT_WEIGHTS,
    extraRoutes: apiExtraRoutes(ports),
    rootPlugins: [uiRoutes()],
    ...(keyChanges ? { keyChanges } : {}),
  });
  await app.listen({ port: rt.settings.PORT, host: rt.settings.HOST });
  return app;
}

/**
 * The demo workspace's key: EARSHOT_DEMO_API_KEY when set; otherwise one created on the first
 * start and kept next to the data (the embedded demo is a local, single-user setup).
 */
export async function demoApiKey(
  rt: Runtime,
  workspace: string,
): Promise<{ key: string; workspace: string; fixed: boolean }> {
  if (rt.settings.EARSHOT_DEMO_API_KEY)
    return { key: rt.settings.EARSHOT_DEMO_API_KEY, workspace, fixed: true };
  const file = join(dirname(rt.settings.CHDB_PATH), 'demo-api-key');
  const saved = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  const parsed = parseApiKey(saved);
  if (parsed) {
    const known = (await listApiKeys(rt.store)).find(
      (k) => k.key_id === parsed.id && !k.revoked && k.workspace === workspace,
    );
    if (known) return { key: saved, workspace, fixed: false };
  }
  const { key } = await createApiKey(rt.store, workspace, 'demo (created by earshot start)');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, workspace, fixed: false };
}
