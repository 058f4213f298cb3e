import { readFileSync } from 'node:fs';
import { parseJetstreamFrame, normalizeJetstreamEvent } from '../ingest/bluesky/normalize.ts';
import { convertItems } from '../ingest/emit.ts';
import { normalizeHackerNewsHit } from '../ingest/hackernews/normalize.ts';
import { normalizeMastodonStatus } from '../ingest/mastodon/normalize.ts';
import { normalizeRedditThing } from '../ingest/reddit/normalize.ts';
import { normalizeFeedItem } from '../ingest/rss/normalize.ts';
import { parseFeed } from '../ingest/rss/parse.ts';
import { flattenThread, normalizeYouTubeComment } from '../ingest/youtube/normalize.ts';
import { parseWebhookBody } from '../ingest/webhook/parse.ts';
import type { BenchResult } from './types.ts';

/**
 * Normalize throughput per source: recorded-format items → validated Mentions (the connector's
 * CPU cost per item: source-schema validation, HTML → text, timestamps, MentionSchema). Network
 * time is not included; a source's real ceiling is its API rate limit, not this.
 */
const fixture = (p: string) =>
  readFileSync(new URL(`../test/fixtures/sources/${p}`, import.meta.url), 'utf8');
const json = <T>(p: string) => JSON.parse(fixture(p)) as T;
const now = new Date('2026-11-20T10:00:00Z');

/** Runs `fn` (which handles `perCall` items) for at least `minMs`, after a warm-up. */
function measure(
  name: string,
  perCall: number,
  fn: () => void,
  notes?: string,
  minMs = 1_000,
): BenchResult {
  for (let i = 0; i < 20; i++) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    calls++;
    elapsed = performance.now() - start;
  }
  return {
    area: 'ingest',
    name,
    value: (calls * perCall) / (elapsed / 1000),
    unit: 'items/s',
    ...(notes ? { notes } : {}),
  };
}

/** Vary the ids so nothing is cached across items. */
function variants<T>(items: T[], n: number, vary: (item: T, i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => vary(items[i % items.length]!, i));
}

const clone = <T>(x: T): T => structuredClone(x);

export default function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const frames = fixture('bluesky/jetstream-frames.jsonl')
    .trim()
    .split('\n')
    .filter(
      (f) => f.includes('"app.bsky.feed.post"') && f.includes('"create"') && f.includes('"text"'),
    );
  const jet = variants(frames, 1_000, (f, i) => f.replace(/"rkey":"([^"]+)"/, `"rkey":"$1${i}"`));
  results.push(
    measure(
      'bluesky: Jetstream frame → Mention',
      jet.length,
      () => {
        convertItems(
          'bluesky',
          jet,
          (f) =>
            normalizeJetstreamEvent(parseJetstreamFrame(f), { fetchedAt: now, maxSkewMs: 300_000 }),
          (f) => f,
        );
      },
      'JSON.parse included',
    ),
  );

  const statuses = json<Array<Record<string, unknown>>>('mastodon/public-page-newest.json').slice(
    0,
    3,
  );
  const mast = variants(statuses, 1_000, (s, i) => ({ ...clone(s), uri: `${String(s.uri)}-${i}` }));
  results.push(
    measure(
      'mastodon: Status → Mention',
      mast.length,
      () => {
        convertItems('mastodon', mast, (s) =>
          normalizeMastodonStatus(s, {
            instanceHost: 'mastodon.social',
            fetchedAt: now,
            respectNoindex: true,
          }),
        );
      },
      'HTML content',
    ),
  );

  const hits = [
    ...json<{ hits: unknown[] }>('hackernews/search-page-0.json').hits,
    json<{ hits: unknown[] }>('hackernews/search-page-1.json').hits[0],
  ] as Array<Record<string, unknown>>;
  const hn = variants(hits, 1_000, (h, i) => ({ ...clone(h), objectID: `${i}` }));
  results.push(
    measure(
      'hackernews: Algolia hit → Mention',
      hn.length,
      () => void convertItems('hackernews', hn, (h) => normalizeHackerNewsHit(h, now)),
    ),
  );

  const things = json<{
    data: { children: Array<{ kind: string; data: Record<string, unknown> }> };
  }>('reddit/search-page-1.json').data.children.filter((c) => c.data.over_18 !== true);
  const rd = variants(things, 1_000, (t, i) => ({
    kind: t.kind,
    data: { ...t.data, name: `t3_${i.toString(36)}` },
  }));
  results.push(
    measure(
      'reddit: listing child → Mention',
      rd.length,
      () =>
        void convertItems('reddit', rd, (t) =>
          normalizeRedditThing(t, { fetchedAt: now, includeNsfw: false }),
        ),
    ),
  );

  const itemXml = (i: number) =>
    `<item><title>Acme story ${i}</title><link>https://news.example.com/${i}</link><description>&lt;p&gt;Acme Cloud &lt;b&gt;news&lt;/b&gt; number ${i} &amp;amp; more.&lt;/p&gt;</description><pubDate>Fri, 20 Nov 2026 08:30:00 +0100</pubDate><guid>https://news.example.com/${i}</guid></item>`;
  const feedXml = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><language>en</language>${Array.from({ length: 100 }, (_, i) => itemXml(i)).join('')}</channel></rss>`;
  results.push(
    measure(
      'rss: RSS 2.0 item → Mention (XML parse included)',
      100,
      () => {
        const feed = parseFeed(feedXml);
        convertItems('rss', feed.items, (it) =>
          normalizeFeedItem(it, 'https://news.example.com/feed', now),
        );
      },
      '100-item feed',
    ),
  );

  const threads = json<{ items: Array<Record<string, unknown>> }>(
    'youtube/threads-page-1.json',
  ).items.slice(0, 1);
  const yt = variants(threads, 500, (t, i) => ({ ...clone(t), id: `t${i}` }));
  results.push(
    measure(
      'youtube: comment thread → Mentions',
      yt.length * 2,
      () => {
        const comments = yt.flatMap((t) => flattenThread(t));
        convertItems('youtube', comments, (c) => normalizeYouTubeComment(c, now));
      },
      '1 top-level + 1 reply per thread',
    ),
  );

  const ndjson = Array.from({ length: 1_000 }, (_, i) =>
    JSON.stringify({
      id: `crm:${i}`,
      source: 'crm',
      text: `Acme ticket ${i} was resolved quickly`,
      created_at: '2026-11-20T10:00:00Z',
    }),
  ).join('\n');
  results.push(
    measure(
      'webhook: NDJSON line → Mention',
      1_000,
      () => void parseWebhookBody('application/x-ndjson', ndjson),
    ),
  );

  return Promise.resolve(results);
}
