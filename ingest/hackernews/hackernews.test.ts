import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCursorStore } from '../../core/cursor-store.ts';
import {
  readJsonFixture,
  startHttpReplay,
  type HttpReplayServer,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { HackerNewsConfigSchema } from './config.ts';
import { createHackerNewsConnector } from './connector.ts';
import { normalizeHackerNewsHit } from './normalize.ts';

const page0 = readJsonFixture<{ hits: unknown[] }>('hackernews/search-page-0.json');
const page1 = readJsonFixture<{ hits: unknown[] }>('hackernews/search-page-1.json');
const FETCHED = new Date('2026-11-20T10:20:00Z');
const fast: ConnectorDeps = {
  http: { timeoutMs: 100, maxRetries: 2, backoff: { baseMs: 1, maxMs: 2 } },
  loopBackoff: { baseMs: 1, maxMs: 2 },
  sleep: () => Promise.resolve(),
};

describe('normalizeHackerNewsHit', () => {
  it('maps a comment: HTML → text, parent, author, UTC time, discussion URL', () => {
    expect(normalizeHackerNewsHit(page0.hits[0], FETCHED)).toEqual({
      id: 'hackernews:45990042',
      source: 'hackernews',
      url: 'https://news.ycombinator.com/item?id=45990042',
      author: { id: 'pgwriter', handle: 'pgwriter', display_name: null, followers: null },
      text:
        'We moved our CI to Acme Cloud last month & the build times dropped by half.\n' +
        'The pricing page is confusing though: https://acme.example/pricing',
      title: null,
      lang: null,
      created_at: '2026-11-20T10:15:02.000Z',
      fetched_at: '2026-11-20T10:20:00.000Z',
      engagement: { likes: 0, reposts: 0, replies: 0, views: null },
      parent_id: 'hackernews:45990017',
    });
  });

  it('maps an Ask HN story: title + text, points and comments', () => {
    const m = normalizeHackerNewsHit(page0.hits[1], FETCHED);
    expect(m?.title).toBe('Ask HN: Is anyone running Acme Cloud in production?');
    expect(m?.text).toBe(
      'Ask HN: Is anyone running Acme Cloud in production?\n\nThinking of migrating. Experiences with support "SLAs"?\nThanks!',
    );
    expect(m?.engagement).toEqual({ likes: 12, reposts: 0, replies: 7, views: null });
    expect(m?.parent_id).toBeNull();
  });

  it('maps a link story (url: article elsewhere, mention URL: the discussion)', () => {
    const m = normalizeHackerNewsHit(page1.hits[0], FETCHED);
    expect(m?.text).toBe('Acme Cloud outage postmortem');
    expect(m?.url).toBe('https://news.ycombinator.com/item?id=45989000');
    expect(m?.engagement?.likes).toBe(214);
  });

  it('skips deleted items and rejects malformed hits with the reason', () => {
    expect(normalizeHackerNewsHit(page1.hits[1], FETCHED)).toBeNull();
    expect(() => normalizeHackerNewsHit(page1.hits[2], FETCHED)).toThrow(/created_at_i/);
  });
});

describe('HackerNews connector against a local Algolia replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const config = (baseUrl: string) =>
    HackerNewsConfigSchema.parse({ queries: ['acme'], base_url: baseUrl, hits_per_page: 2 });

  it('pages through search_by_date, dead-letters the bad hit, advances the cursor after the acks', async () => {
    server = await startHttpReplay((req) =>
      req.url.searchParams.get('page') === '1' ? { body: page1 } : { body: page0 },
    );
    const rec = recordingPorts({ now: () => FETCHED });
    await createHackerNewsConnector(config(server.baseUrl), fast).run(rec.ports, { once: true });

    expect(rec.produced.map((m) => m.id)).toEqual([
      'hackernews:45990042',
      'hackernews:45990001',
      'hackernews:45989000',
    ]);
    expect(rec.dead).toHaveLength(1);
    expect(rec.dead[0]?.reason).toMatch(/invalid hackernews hit.*created_at_i/);
    expect(JSON.parse(rec.dead[0]?.payload ?? '{}')).toMatchObject({ objectID: '45988888' });
    // first run: the default look-back of 24 hours from "now"
    const first = server.requests[0]?.url;
    expect(first?.pathname).toBe('/api/v1/search_by_date');
    expect(first?.searchParams.get('numericFilters')).toBe(
      `created_at_i>${FETCHED.getTime() / 1000 - 86_400}`,
    );
    expect(first?.searchParams.get('tags')).toBe('(story,comment)');
    expect(await rec.cursors.get('hackernews', 'query:acme')).toBe('1795169702');
  });

  it('resumes after a restart from the stored cursor minus the overlap', async () => {
    server = await startHttpReplay(() => ({ body: { hits: [], page: 0, nbPages: 0 } }));
    const cursors = new MemoryCursorStore();
    await cursors.set('hackernews', 'query:acme', '1795169702');
    const rec = recordingPorts({ now: () => FETCHED, cursors });
    await createHackerNewsConnector(config(server.baseUrl), fast).run(rec.ports, { once: true });
    expect(server.requests[0]?.url.searchParams.get('numericFilters')).toBe(
      `created_at_i>${1795169702 - 60}`,
    );
    expect(await cursors.get('hackernews', 'query:acme')).toBe('1795169702');
  });

  it('does not move the cursor when the produce is not acked', async () => {
    server = await startHttpReplay(() => ({ body: { ...page0, nbPages: 1 } }));
    const rec = recordingPorts({ now: () => FETCHED });
    rec.failProduce.remaining = 1;
    await expect(
      createHackerNewsConnector(config(server.baseUrl), fast).run(rec.ports, { once: true }),
    ).rejects.toThrow(/not acked/);
    expect(await rec.cursors.get('hackernews', 'query:acme')).toBeNull();
  });

  it('rides out a 429 with Retry-After and a 500, then succeeds', async () => {
    const sleeps: number[] = [];
    server = await startHttpReplay((_req, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '3' } }
        : i === 1
          ? { status: 500 }
          : { body: { ...page0, nbPages: 1 } },
    );
    const rec = recordingPorts({ now: () => FETCHED });
    await createHackerNewsConnector(config(server.baseUrl), {
      ...fast,
      http: { ...fast.http, random: () => 1 },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    }).run(rec.ports, { once: true });
    expect(sleeps.slice(0, 2)).toEqual([3_000, 2]); // Retry-After, then 1 ms · 2^1
    expect(rec.produced).toHaveLength(2);
  });

  it('dead-letters an unreadable page and keeps polling in the long-running loop', async () => {
    server = await startHttpReplay((_req, i) =>
      i === 0 ? { body: '<html>proxy error</html>' } : { body: { ...page0, nbPages: 1 } },
    );
    const rec = recordingPorts({ now: () => FETCHED, stopAfter: 2 });
    const states: string[] = [];
    await createHackerNewsConnector(config(server.baseUrl), fast).run(rec.ports, {
      onState: (s) => states.push(s),
    });
    expect(rec.dead[0]?.reason).toMatch(/not JSON/);
    expect(rec.dead[0]?.payload).toBe('<html>proxy error</html>');
    expect(rec.produced).toHaveLength(2);
    expect(states).toEqual(['running', 'backoff', 'running', 'stopped']);
  });

  it('gives up on timeouts with a retriable error in --dry-run (once) mode', async () => {
    server = await startHttpReplay(() => ({ delayMs: 500, body: page0 }));
    const rec = recordingPorts({ now: () => FETCHED });
    await expect(
      createHackerNewsConnector(config(server.baseUrl), fast).run(rec.ports, { once: true }),
    ).rejects.toThrow(/unavailable after 3 attempts \(timeout/);
  });
});
