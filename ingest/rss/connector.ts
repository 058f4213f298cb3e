import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeError } from '../../core/errors.ts';
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
import type { HttpClient } from '../http/client.ts';
import { truncatePayload } from '../http/errors.ts';
import { lookbackStart } from '../lookback.ts';
import type { IngestPorts } from '../ports.ts';
import { fetchFeed } from './client.ts';
import type { RssConfig } from './config.ts';
import { feedScope, normalizeFeedItem } from './normalize.ts';
import { parseFeed } from './parse.ts';

const SOURCE = 'rss';
/** Feeds hold tens of items; remembering the last 1,000 ids is plenty and stays small. */
const MAX_SEEN = 1_000;
/** A `<ttl>` longer than a day is more likely a mistake than a wish to be read once a week. */
const MAX_TTL_MINUTES = 24 * 60;

/**
 * Per feed: the validators for conditional GET and the ids already produced. Validators are
 * only ever taken from a response that parsed: kept from a truncated or broken body, they
 * would make the server answer 304 to every later poll, and the items of the whole document
 * would never be read.
 */
const FeedCursorSchema = z.object({
  etag: z.string().nullable().default(null),
  last_modified: z.string().nullable().default(null),
  seen: z.array(z.string()).default([]),
  /** A response of this feed parsed once: the look-back applies only before that. */
  read: z.boolean().default(false),
  /** sha256 of the last unreadable body, so the same broken document is dead-lettered once. */
  broken: z.string().nullable().default(null),
  /** sha256 of items already dead-lettered: a bad item stays in the feed, and is kept once. */
  dead: z.array(z.string()).default([]),
});
type FeedCursor = z.infer<typeof FeedCursorSchema>;

/**
 * Polls each feed with a conditional GET. Feeds have no resume parameter, so the cursor is the
 * set of item ids already produced (dates are optional in RSS and unreliable anyway). One
 * failing feed is logged and skipped; the others still poll.
 */
export function createRssConnector(config: RssConfig, deps: ConnectorDeps = {}): Connector {
  return {
    source: SOURCE,
    run(ports: IngestPorts, options: RunOptions = {}) {
      const http = makeHttpClient(SOURCE, ports, deps, {
        budget: new RequestBudget({ requests: config.requests_per_minute, perMs: 60_000 }),
        userAgent: USER_AGENT,
      });
      const notBefore = new Map<string, number>();
      return pollLoop({
        source: SOURCE,
        ports,
        intervalMs: config.poll_interval_s * 1000,
        ...loopKnobs(options, deps),
        cycle: async () => {
          const failures: unknown[] = [];
          for (const feed of config.feeds) {
            if (ports.signal.aborted) return;
            try {
              await pollFeed(feed.url, http, config, ports, deps, notBefore);
            } catch (error) {
              if (ports.signal.aborted) return;
              failures.push(error);
              ports.logger.warn(
                {
                  event: 'feed_failed',
                  source: SOURCE,
                  feed: feed.name ?? new URL(feed.url).host,
                  error: describeError(error),
                },
                'feed poll failed',
              );
            }
          }
          // Only when every feed failed is the source itself in trouble (network down).
          if (failures.length > 0 && failures.length === config.feeds.length) {
            throw failures[0];
          }
        },
      });
    },
  };
}

async function pollFeed(
  url: string,
  http: HttpClient,
  config: RssConfig,
  ports: IngestPorts,
  deps: ConnectorDeps,
  notBefore: Map<string, number>,
): Promise<void> {
  // The publisher's `<ttl>` asks us not to poll more often than that (in memory: a restart
  // polls once, which a conditional GET makes cheap).
  if ((notBefore.get(url) ?? 0) > ports.now().getTime()) return;
  const key = `feed:${url}`;
  const stored = await ports.cursors.get(SOURCE, key);
  const cursor: FeedCursor = stored === null ? FeedCursorSchema.parse({}) : parseCursor(stored);
  const fetched = await fetchFeed(
    http,
    url,
    { etag: cursor.etag, lastModified: cursor.last_modified },
    ports.signal,
  );
  if (fetched.status === 'not_modified') return;

  let parsed;
  try {
    parsed = parseFeed(fetched.body);
  } catch (error) {
    // Keep the evidence once per distinct document, but not its validators: the next poll
    // asks for the whole feed again, and reads it once the server sends it whole.
    const hash = sha256(fetched.body);
    ports.logger.warn(
      {
        event: 'feed_unreadable',
        source: SOURCE,
        feed: new URL(url).host,
        repeat: hash === cursor.broken,
      },
      'feed response could not be parsed; validators not kept',
    );
    if (hash === cursor.broken) return;
    await ports.deadLetter([
      {
        source: SOURCE,
        payload: truncatePayload(fetched.body),
        reason: `feed ${url}: ${(error as Error).message}`,
      },
    ]);
    await ports.cursors.set(SOURCE, key, JSON.stringify({ ...cursor, broken: hash }));
    return;
  }

  const now = ports.now();
  if (parsed.ttlMinutes !== null) {
    notBefore.set(url, now.getTime() + Math.min(parsed.ttlMinutes, MAX_TTL_MINUTES) * 60_000);
  }
  const scope = feedScope(url, parsed.id);
  const converted = convertItems(
    SOURCE,
    parsed.items,
    (item) => normalizeFeedItem(item, scope, now),
    (item) => JSON.stringify(item.raw),
  );
  const seen = new Set(cursor.seen);
  // First read of this feed: only items since the look-back start (undated ones count as new).
  const firstRead = !cursor.read && cursor.seen.length === 0;
  const start = lookbackStart(now, config.lookback);
  const fresh = converted.mentions.filter(
    (m) => !seen.has(m.id) && (!firstRead || Date.parse(m.created_at) > start),
  );
  const wanted = deps.filter ? fresh.filter(deps.filter) : fresh;
  const deadBefore = new Set(cursor.dead);
  const deadNow = converted.dead.map((d) => sha256(d.payload));
  const dead = converted.dead.filter((_, i) => !deadBefore.has(deadNow[i]!));
  await deliver(ports, { mentions: wanted, dead });
  // Every id now in the feed counts as seen (filtered-out ones too: they will not match later;
  // older than the look-back on the first read too: they are not new).
  const next: FeedCursor = {
    etag: fetched.validators.etag,
    last_modified: fetched.validators.lastModified,
    seen: [...new Set([...converted.mentions.map((m) => m.id), ...cursor.seen])].slice(0, MAX_SEEN),
    read: true,
    broken: null,
    dead: [...new Set([...deadNow, ...cursor.dead])].slice(0, MAX_SEEN),
  };
  await ports.cursors.set(SOURCE, key, JSON.stringify(next));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parseCursor(text: string): FeedCursor {
  try {
    return FeedCursorSchema.parse(JSON.parse(text));
  } catch {
    return FeedCursorSchema.parse({});
  }
}
