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
import { advanceNewestFirst, isNewer, readNewestFirst } from '../newest-first.ts';
import type { IngestDeadLetter, IngestPorts } from '../ports.ts';
import { RedditClient, targetKey, type RedditTarget } from './client.ts';
import type { RedditConfig } from './config.ts';
import { normalizeRedditThing, thingPosition } from './normalize.ts';

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
  return {
    source: SOURCE,
    run(ports: IngestPorts, options: RunOptions = {}) {
      const http = makeHttpClient(SOURCE, ports, deps, {
        budget: new RequestBudget({ requests: config.requests_per_minute, perMs: 60_000 }),
        userAgent: config.user_agent,
      });
      const client = new RedditClient(http, {
        apiBaseUrl: config.api_base_url,
        authBaseUrl: config.auth_base_url,
        ...credentials,
        now: () => ports.now(),
      });
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
  const state = readNewestFirst(await ports.cursors.get(SOURCE, key));
  let next = state;
  let after: string | null = null;
  for (let page = 0; page < config.max_pages && !ports.signal.aborted; page++) {
    const listing = await client.listing(target, after, ports.signal);
    const mentions: Mention[] = [];
    const dead: IngestDeadLetter[] = [];
    let reachedSeen = false;
    for (const child of listing.children) {
      const pos = thingPosition(child);
      if (pos && !isNewer(state, pos.atMs, pos.id)) {
        reachedSeen = true;
        break;
      }
      const result = convertOne(SOURCE, child, (c) =>
        normalizeRedditThing(c, { fetchedAt: ports.now(), includeNsfw: config.include_nsfw }),
      );
      if (pos) next = advanceNewestFirst(next, [pos]);
      if (result === null) continue;
      if ('reason' in result) dead.push(result);
      else if (!deps.filter || deps.filter(result)) mentions.push(result);
    }
    await deliver(ports, { mentions, dead });
    // First run: one page only (monitoring starts now, not with a 1,000-item history crawl).
    if (reachedSeen || listing.after === null || state === null) break;
    after = listing.after;
  }
  if (next !== state && next !== null) await ports.cursors.set(SOURCE, key, JSON.stringify(next));
}
