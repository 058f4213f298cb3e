import { deadLetterHeaders } from '../../core/contracts/dead-letter.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import { dlqTopic, Topics } from '../../core/contracts/topics.ts';
import type { Service } from '../../core/runtime/services.ts';
import { compileOwned, type OwnedIndex } from '../../enrich/owned/index.ts';
import type { WatchMatcher } from '../../enrich/match/index.ts';
import { createDemoConnector, resolveDemoIncidentStart } from '../../ingest/demo/connector.ts';
import type { IngestDeadLetter, IngestPorts } from '../../ingest/ports.ts';
import { RefreshConfigSchema } from '../../ingest/refresh/config.ts';
import { createRefresher } from '../../ingest/refresh/refresher.ts';
import { startConnectors, type ConnectorStatus } from '../../ingest/runtime.ts';
import { StoreCursorStore } from '../../store/cursor-store.ts';
import type { Runtime } from '../runtime.ts';
import { compileMatcher } from './enrich.ts';

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
    cursors: rt.cursors ?? new StoreCursorStore(rt.store),
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

/**
 * The configured public sources (Bluesky, Mastodon, HN, …); firehoses keep only matching posts.
 * Sources saved from the API apply without a restart: when the merged `sources` change, the
 * connectors stop between pages and start again with the new options (cursors are in the store,
 * so nothing is fetched twice or skipped).
 */
export function startSourceConnectors(rt: Runtime, signal: AbortSignal) {
  let matcher = compileMatcher(rt.config());
  let owned = compileOwned(rt.config().workspaces);
  const filter = (m: Mention) => sourceFilter(matcher, owned)(m);
  // Connectors fetch what the owned accounts need (a YouTube channel's comments, a Bluesky
  // handle resolved to its DID); accounts added later need a restart of the ingest role.
  const accounts = (source: string) => owned.accounts(source);
  const start = (sources: Record<string, unknown>) =>
    startConnectors(sources, ingestPorts(rt, signal), process.env, {
      filter,
      ownedAccounts: accounts,
    });
  let sources = JSON.stringify(rt.config().sources);
  let running = start(rt.config().sources);
  let restarting: Promise<void> = Promise.resolve();
  rt.onConfigChange((config) => {
    try {
      matcher = compileMatcher(config);
      owned = compileOwned(config.workspaces);
    } catch {
      // reported by the enrich role's listener; keep the previous queries
    }
    const next = JSON.stringify(config.sources);
    if (next === sources || signal.aborted) return;
    sources = next;
    rt.logger.info({ event: 'sources_changed' }, 'restarting the source connectors');
    restarting = restarting.then(async () => {
      await running.stop();
      if (!signal.aborted) running = start(config.sources);
    });
  });
  return {
    stop: async () => {
      await restarting;
      await running.stop();
    },
    status: () => running.status(),
  };
}

/**
 * The ingest role: the demo source (when `demo`) and the configured public sources. A demo
 * that fails stops the process; a public source that fails is logged and shown in its health
 * (the others go on).
 */
export function ingestServices(
  rt: Runtime,
  options: { demo: boolean },
): { services: Service[]; connectorStatus: () => ConnectorStatus[] } {
  const services: Service[] = [];
  if (options.demo) {
    const abort = new AbortController();
    let running: Promise<void> | null = null;
    services.push({
      id: 'demo',
      start(ctx) {
        running = runDemo(rt, abort.signal);
        running.catch((error: unknown) => ctx.fail(error));
        return Promise.resolve();
      },
      async stop() {
        abort.abort();
        await running?.catch(() => undefined);
      },
    });
  }
  const abort = new AbortController();
  let connectors: ReturnType<typeof startSourceConnectors> | null = null;
  services.push({
    id: 'sources',
    start() {
      connectors = startSourceConnectors(rt, abort.signal);
      return Promise.resolve();
    },
    async stop() {
      abort.abort();
      await connectors?.stop();
    },
    health: () => ({ ready: true, detail: { sources: connectors?.status() ?? [] } }),
  });
  return { services, connectorStatus: () => connectors?.status() ?? [] };
}
