import type { Mention } from '../../core/contracts/mention.ts';
import {
  makeHttpClient,
  pollLoop,
  USER_AGENT,
  type Connector,
  type ConnectorDeps,
  type RunOptions,
  loopKnobs,
} from '../connector.ts';
import { convertItems, deliver } from '../emit.ts';
import { RequestBudget } from '../http/budget.ts';
import { lookbackStart, walkMayAdvance } from '../lookback.ts';
import type { IngestPorts } from '../ports.ts';
import { HackerNewsClient, STORIES_PER_REQUEST } from './client.ts';
import type { HackerNewsConfig } from './config.ts';
import { normalizeHackerNewsHit } from './normalize.ts';
import { askedMentions, inBatches, nativeIds } from '../refresh/batches.ts';

const SOURCE = 'hackernews';

/**
 * Polls Algolia `search_by_date` per query. Cursor per query = the newest `created_at_i`
 * produced (epoch seconds). Pages are produced as they arrive (bounded memory), but the
 * cursor moves only after the whole cycle's produces were acked: pages come newest first, so
 * moving it earlier would skip the older pages if we crashed in between.
 */
export function createHackerNewsConnector(
  config: HackerNewsConfig,
  deps: ConnectorDeps = {},
): Connector {
  // One client per connector, made on first use (it needs the ports' clock and logger): polls
  // and engagement refreshes share the request budget.
  let shared: HackerNewsClient | null = null;
  const clientFor = (ports: IngestPorts) =>
    (shared ??= new HackerNewsClient(
      makeHttpClient(SOURCE, ports, deps, {
        budget: new RequestBudget({ requests: config.requests_per_minute, perMs: 60_000 }),
        userAgent: USER_AGENT,
      }),
      config.base_url,
    ));
  return {
    source: SOURCE,
    refreshBatchSize: STORIES_PER_REQUEST,
    refresh: (ids, ports) => refreshStories(ids, clientFor(ports), ports),
    // Only stories have points and a comment count on Algolia.
    refreshable: (m) => m.parent_id === null,
    run(ports: IngestPorts, options: RunOptions = {}) {
      const client = clientFor(ports);
      // ids produced in the overlap window, so one process does not re-produce them each poll.
      const recent = new Map<string, number>();
      return pollLoop({
        source: SOURCE,
        ports,
        intervalMs: config.poll_interval_s * 1000,
        ...loopKnobs(options, deps),
        cycle: async () => {
          for (const query of config.queries) {
            if (ports.signal.aborted) return;
            await pollQuery(query, client, config, ports, recent, deps);
          }
        },
      });
    },
  };
}

async function pollQuery(
  query: string,
  client: HackerNewsClient,
  config: HackerNewsConfig,
  ports: IngestPorts,
  recent: Map<string, number>,
  deps: ConnectorDeps,
): Promise<void> {
  const key = `query:${query}`;
  const stored = await ports.cursors.get(SOURCE, key);
  const parsed = stored === null ? NaN : Number(stored);
  const last = Number.isFinite(parsed) ? parsed : null;
  // First run: everything since the look-back start; later: from the cursor, minus the overlap.
  const lookbackS = Math.floor(lookbackStart(ports.now(), config.lookback) / 1000);
  const since = last !== null ? last - config.overlap_s : lookbackS;
  // Saved even when nothing was found, so a restart days later still starts from the window.
  let newest = last ?? lookbackS;
  let done = false;

  for (let page = 0; page < config.max_pages && !ports.signal.aborted; page++) {
    const result = await client.searchByDate({
      query,
      tags: config.tags,
      sinceSeconds: since,
      page,
      hitsPerPage: config.hits_per_page,
      signal: ports.signal,
    });
    const converted = convertItems(SOURCE, result.hits, (hit) =>
      normalizeHackerNewsHit(hit, ports.now()),
    );
    const fresh: Mention[] = [];
    for (const mention of converted.mentions) {
      const at = Math.floor(Date.parse(mention.created_at) / 1000);
      newest = Math.max(newest, at);
      if (recent.has(mention.id)) continue;
      if (deps.filter && !deps.filter(mention)) continue;
      recent.set(mention.id, at);
      fresh.push(mention);
    }
    await deliver(ports, { mentions: fresh, dead: converted.dead });
    if (page + 1 >= result.nbPages || result.hits.length === 0) {
      done = true;
      break;
    }
  }

  if (!walkMayAdvance(done, ports, SOURCE, key, config.max_pages, last === null)) return;
  if (newest !== last) await ports.cursors.set(SOURCE, key, String(newest));
  for (const [id, at] of recent) if (at <= newest - config.overlap_s) recent.delete(id);
}

const ITEM_ID = /^hackernews:(\d+)$/;

/**
 * Late engagement: the current points and comment count of the stories among `ids`. Comments
 * have no points on Algolia (and no comment count), so nothing about them can change: they
 * match nothing in the lookup and are left out, as are deleted stories.
 */
async function refreshStories(
  ids: readonly string[],
  client: HackerNewsClient,
  ports: IngestPorts,
): Promise<Mention[]> {
  return inBatches(nativeIds(ids, ITEM_ID), STORIES_PER_REQUEST, ports.signal, async (chunk) => {
    const page = await client.storiesById(chunk, ports.signal);
    const fetchedAt = ports.now();
    const asked = new Set(chunk.map((n) => `${SOURCE}:${n}`));
    const mentions = await askedMentions(
      SOURCE,
      ports,
      page.hits,
      (hit) => normalizeHackerNewsHit(hit, fetchedAt),
      asked,
    );
    return mentions.filter((m) => m.parent_id === null);
  });
}
