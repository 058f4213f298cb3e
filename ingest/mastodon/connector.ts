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
import type { Mention } from '../../core/contracts/mention.ts';
import { MastodonClient, STATUSES_PER_REQUEST } from './client.ts';
import { timelineKey, type MastodonConfig, type MastodonTimeline } from './config.ts';
import { compareStatusIds, normalizeMastodonStatus } from './normalize.ts';
import { runMastodonStream } from './stream.ts';
import { askedMentions, inBatches } from '../refresh/batches.ts';

const SOURCE = 'mastodon';

/**
 * REST polling of each timeline with `min_id` (oldest-new first, following `Link rel="prev"`),
 * cursor = newest status id produced, moved after each page's produce is acked. With a user
 * token and `streaming: true`, the streaming API delivers live and REST backfills what was
 * missed on every (re)connect: streams have no resume cursor.
 */
export function createMastodonConnector(
  config: MastodonConfig,
  token: string | null,
  deps: ConnectorDeps = {},
): Connector {
  // One client per connector, made on first use (it needs the ports' clock and logger): polls,
  // the stream's backfills and engagement refreshes share the 5-minute request budget.
  let shared: MastodonClient | null = null;
  const clientFor = (ports: IngestPorts) =>
    (shared ??= new MastodonClient(
      makeHttpClient(SOURCE, ports, deps, {
        budget: new RequestBudget({ requests: config.requests_per_5min, perMs: 5 * 60_000 }),
        userAgent: USER_AGENT,
      }),
      config.base_url,
      token,
    ));
  return {
    source: SOURCE,
    refreshBatchSize: STATUSES_PER_REQUEST,
    refresh: (ids, ports) => refreshStatuses(ids, clientFor(ports), config, ports),
    refreshable: (m) => localStatusId(m.id, new URL(config.base_url).host) !== null,
    run(ports: IngestPorts, options: RunOptions = {}) {
      const client = clientFor(ports);
      const backfill = async () => {
        for (const timeline of config.timelines) {
          if (ports.signal.aborted) return;
          await pollTimeline(timeline, client, config, ports, deps);
        }
      };
      if (token && config.streaming && !options.once) {
        let discovered: string | null = null;
        const streamingBase = async () => {
          discovered ??= config.streaming_url ?? (await client.streamingBase(ports.signal));
          return discovered ?? config.base_url;
        };
        return runMastodonStream({
          config,
          token,
          ports,
          deps,
          backfill,
          streamingBase,
          ...(options.onState ? { onState: options.onState } : {}),
        });
      }
      return pollLoop({
        source: SOURCE,
        ports,
        intervalMs: config.poll_interval_s * 1000,
        ...loopKnobs(options, deps),
        cycle: backfill,
      });
    },
  };
}

export async function pollTimeline(
  timeline: MastodonTimeline,
  client: MastodonClient,
  config: MastodonConfig,
  ports: IngestPorts,
  deps: ConnectorDeps,
): Promise<void> {
  const key = `timeline:${timelineKey(timeline)}`;
  let cursor = await ports.cursors.get(SOURCE, key);
  if (cursor === null) return firstRead(timeline, key, client, config, ports, deps);
  // Later runs: forward from the cursor (oldest new page first, following Link rel="prev"),
  // the cursor moving after each page, so a stop between pages loses nothing.
  let url: string | null = client.timelineUrl(timeline, {
    minId: cursor,
    limit: config.page_limit,
  });
  for (let page = 0; url !== null && page < config.max_pages && !ports.signal.aborted; page++) {
    const result = await client.fetchPage(url, ports.signal);
    if (result.statuses.length === 0) break;
    await deliverStatuses(result.statuses, config, ports, deps);
    const newest = newestId(result.statuses);
    if (newest !== null && compareStatusIds(newest, cursor) > 0) {
      cursor = newest;
      await ports.cursors.set(SOURCE, key, cursor);
    }
    url = result.prevUrl;
  }
  // Not caught up after max_pages: the next poll goes on from the cursor (nothing skipped).
}

/**
 * No cursor yet: walk back from the newest status (Link rel="next", `max_id`) to the look-back
 * start, at most `max_pages` pages. The cursor (the newest id) is saved only once the walk is
 * done, so a stop half-way reads the window again instead of leaving its older part unread.
 */
async function firstRead(
  timeline: MastodonTimeline,
  key: string,
  client: MastodonClient,
  config: MastodonConfig,
  ports: IngestPorts,
  deps: ConnectorDeps,
): Promise<void> {
  const start = lookbackStart(ports.now(), config.lookback);
  let url: string | null = client.timelineUrl(timeline, { minId: null, limit: config.page_limit });
  let newest: string | null = null;
  let done = false;
  for (let page = 0; page < config.max_pages && !ports.signal.aborted; page++) {
    const result = await client.fetchPage(url, ports.signal);
    if (result.statuses.length === 0) {
      done = true;
      break;
    }
    newest ??= newestId(result.statuses);
    // A timeline is in arrival order; a status older than the window (a late federated one)
    // is skipped on its own, and the walk ends with the page that reaches the window start.
    const times = result.statuses.map(statusTime);
    const inWindow = result.statuses.filter((_, i) => (times[i] ?? Infinity) > start);
    await deliverStatuses(inWindow, config, ports, deps);
    const oldest = times[times.length - 1];
    if ((oldest !== null && oldest !== undefined && oldest <= start) || result.nextUrl === null) {
      done = true;
      break;
    }
    url = result.nextUrl;
  }
  if (!walkMayAdvance(done, ports, SOURCE, key, config.max_pages, true)) return;
  if (newest !== null) await ports.cursors.set(SOURCE, key, newest);
}

async function deliverStatuses(
  statuses: unknown[],
  config: MastodonConfig,
  ports: IngestPorts,
  deps: ConnectorDeps,
): Promise<void> {
  const instanceHost = new URL(config.base_url).host;
  const converted = convertItems(SOURCE, statuses, (s) =>
    normalizeMastodonStatus(s, {
      instanceHost,
      fetchedAt: ports.now(),
      respectNoindex: config.respect_noindex,
    }),
  );
  const mentions = deps.filter ? converted.mentions.filter(deps.filter) : converted.mentions;
  // Statuses within a page come newest first; produce oldest first, as they happened.
  await deliver(ports, { mentions: [...mentions].reverse(), dead: converted.dead });
}

/** When a timeline entry (the boost itself, for a boost) reached the timeline; null if unreadable. */
function statusTime(raw: unknown): number | null {
  const at =
    raw && typeof raw === 'object' && 'created_at' in raw && typeof raw.created_at === 'string'
      ? Date.parse(raw.created_at)
      : NaN;
  return Number.isFinite(at) ? at : null;
}

/** The largest instance-local id on a page (also of items that were dead-lettered or skipped). */
function newestId(statuses: unknown[]): string | null {
  let newest: string | null = null;
  for (const s of statuses) {
    const id = s && typeof s === 'object' && 'id' in s && typeof s.id === 'string' ? s.id : null;
    if (id && /^\d+$/.test(id) && (newest === null || compareStatusIds(id, newest) > 0))
      newest = id;
  }
  return newest;
}

/**
 * The instance-local id of a status this instance authored, from its ActivityPub uri
 * (`https://<instance>/users/<name>/statuses/<id>`, Mastodon's own pattern). Remote statuses
 * have ids only their home server knows, and finding the local copy costs a search per status
 * (`/api/v2/search?resolve=true`, rate-limited on its own): they are not refreshed. null = skip.
 */
export function localStatusId(mentionId: string, instanceHost: string): string | null {
  const m = /^mastodon:(https?:\/\/([^/]+)\/users\/[^/]+\/statuses\/(\d+))$/.exec(mentionId);
  return m && m[2] === instanceHost ? m[3]! : null;
}

/**
 * Late engagement for statuses of the configured instance: favourites, boosts and replies as
 * the instance counts them now, through the same normalizer (a status that is gone, no longer
 * public, or whose author opted out of indexing is left out).
 */
async function refreshStatuses(
  ids: readonly string[],
  client: MastodonClient,
  config: MastodonConfig,
  ports: IngestPorts,
): Promise<Mention[]> {
  const instanceHost = new URL(config.base_url).host;
  const byLocalId = new Map<string, string>();
  for (const id of ids) {
    const local = localStatusId(id, instanceHost);
    if (local !== null) byLocalId.set(local, id);
  }
  const locals = [...byLocalId.keys()];
  return inBatches(locals, STATUSES_PER_REQUEST, ports.signal, async (chunk) => {
    const statuses = await client.statusesById(chunk, ports.signal);
    const fetchedAt = ports.now();
    return askedMentions(
      SOURCE,
      ports,
      statuses,
      (s) =>
        normalizeMastodonStatus(s, {
          instanceHost,
          fetchedAt,
          respectNoindex: config.respect_noindex,
        }),
      new Set(chunk.map((local) => byLocalId.get(local))),
    );
  });
}
