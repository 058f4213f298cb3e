import type { Mention } from '../../core/contracts/mention.ts';
import {
  makeHttpClient,
  pollLoop,
  type Connector,
  type ConnectorDeps,
  type RunOptions,
  loopKnobs,
} from '../connector.ts';
import { convertOne, deliver } from '../emit.ts';
import { RequestBudget } from '../http/budget.ts';
import { resumeState, walkMayAdvance } from '../lookback.ts';
import { advanceNewestFirst, isNewer, readNewestFirst } from '../newest-first.ts';
import type { IngestDeadLetter, IngestPorts } from '../ports.ts';
import { INFO_PER_REQUEST, RedditClient, targetKey, type RedditTarget } from './client.ts';
import type { RedditConfig } from './config.ts';
import { normalizeRedditThing, thingPosition } from './normalize.ts';
import { askedMentions, inBatches, nativeIds } from '../refresh/batches.ts';

const SOURCE = 'reddit';

/**
 * Polls searches (sort=new) and subreddit listings, newest first, following `after` until an
 * item already produced; the cursor (newest created_utc + ids at it) moves after the cycle's
 * produces were acked. Reddit's `X-Ratelimit-*` headers are honoured by the HTTP layer.
 */
export function createRedditConnector(
  config: RedditConfig,
  credentials: { clientId: string; clientSecret: string },
  deps: ConnectorDeps = {},
): Connector {
  const targets: RedditTarget[] = [
    ...config.queries.map((query) => ({ kind: 'search' as const, query })),
    ...config.subreddits.flatMap((subreddit) => [
      { kind: 'new' as const, subreddit },
      ...(config.subreddit_comments ? [{ kind: 'comments' as const, subreddit }] : []),
    ]),
  ];
  // One client per connector, made on first use (it needs the ports' clock and logger): polls
  // and engagement refreshes share the token and the per-minute request budget.
  let shared: RedditClient | null = null;
  const clientFor = (ports: IngestPorts) => {
    if (shared) return shared;
    const http = makeHttpClient(SOURCE, ports, deps, {
      budget: new RequestBudget({ requests: config.requests_per_minute, perMs: 60_000 }),
      userAgent: config.user_agent,
    });
    return (shared = new RedditClient(http, {
      apiBaseUrl: config.api_base_url,
      authBaseUrl: config.auth_base_url,
      ...credentials,
      now: () => ports.now(),
    }));
  };
  return {
    source: SOURCE,
    refreshBatchSize: INFO_PER_REQUEST,
    refresh: (ids, ports) => refreshThings(ids, clientFor(ports), config, ports),
    run(ports: IngestPorts, options: RunOptions = {}) {
      const client = clientFor(ports);
      return pollLoop({
        source: SOURCE,
        ports,
        intervalMs: config.poll_interval_s * 1000,
        ...loopKnobs(options, deps),
        cycle: async () => {
          for (const target of targets) {
            if (ports.signal.aborted) return;
            await pollTarget(target, client, config, ports, deps);
          }
        },
      });
    },
  };
}

async function pollTarget(
  target: RedditTarget,
  client: RedditClient,
  config: RedditConfig,
  ports: IngestPorts,
  deps: ConnectorDeps,
): Promise<void> {
  const key = targetKey(target);
  const stored = readNewestFirst(await ports.cursors.get(SOURCE, key));
  // First run: everything since the look-back start; later: everything after the cursor.
  const since = resumeState(stored, ports.now(), config.lookback);
  let next = since;
  let after: string | null = null;
  let done = false;
  for (let page = 0; page < config.max_pages && !ports.signal.aborted; page++) {
    const listing = await client.listing(target, after, ports.signal);
    const mentions: Mention[] = [];
    const dead: IngestDeadLetter[] = [];
    for (const child of listing.children) {
      const pos = thingPosition(child);
      if (pos && !isNewer(since, pos.atMs, pos.id)) {
        done = true;
        break;
      }
      const result = convertOne(SOURCE, child, (c) =>
        normalizeRedditThing(c, { fetchedAt: ports.now(), includeNsfw: config.include_nsfw }),
      );
      if (pos) next = advanceNewestFirst(next, [pos]) ?? next;
      if (result === null) continue;
      if ('reason' in result) dead.push(result);
      else if (!deps.filter || deps.filter(result)) mentions.push(result);
    }
    await deliver(ports, { mentions, dead });
    if (done || listing.after === null) {
      done = true;
      break;
    }
    after = listing.after;
  }
  if (!walkMayAdvance(done, ports, SOURCE, key, config.max_pages, stored === null)) return;
  // Newest first: only once every page of this walk was acked may the cursor move.
  if (next !== stored) await ports.cursors.set(SOURCE, key, JSON.stringify(next));
}

const FULLNAME_ID = /^reddit:(t[13]_[a-z0-9]+)$/;

/**
 * Late engagement: the current score and comment count of posts and comments this connector
 * produced, 100 fullnames per `/api/info` request, through the same normalizer. Things that
 * are gone (removed or deleted comment bodies) normalize to nothing and are left out; a
 * deleted post keeps its title, as on the normal path.
 */
async function refreshThings(
  ids: readonly string[],
  client: RedditClient,
  config: RedditConfig,
  ports: IngestPorts,
): Promise<Mention[]> {
  return inBatches(nativeIds(ids, FULLNAME_ID), INFO_PER_REQUEST, ports.signal, async (chunk) => {
    const listing = await client.info(chunk, ports.signal);
    const fetchedAt = ports.now();
    return askedMentions(
      SOURCE,
      ports,
      listing.children,
      (child) => normalizeRedditThing(child, { fetchedAt, includeNsfw: config.include_nsfw }),
      new Set(chunk.map((n) => `${SOURCE}:${n}`)),
    );
  });
}
