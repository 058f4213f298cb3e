import { afterEach, describe, expect, it } from 'vitest';
import {
  readFixture,
  startHttpReplay,
  type HttpReplayServer,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { convertItems } from '../emit.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { RssConfigSchema } from './config.ts';
import { createRssConnector } from './connector.ts';
import { normalizeLang } from '../text/lang.ts';
import {
  feedItemNativeId,
  feedScope,
  isGlobalId,
  normalizeFeedItem,
  unwrapGoogleLink,
} from './normalize.ts';
import { parseFeed } from './parse.ts';

const FETCHED = new Date('2026-11-20T10:00:00Z');
const FEED = 'https://news.example.com/feed';
const fast: ConnectorDeps = {
  http: { timeoutMs: 200, maxRetries: 1, backoff: { baseMs: 1, maxMs: 2 } },
  loopBackoff: { baseMs: 1, maxMs: 2 },
  sleep: () => Promise.resolve(),
};

describe('RSS 2.0 parsing and normalization', () => {
  const feed = parseFeed(readFixture('rss/news.rss.xml'));
  const { mentions, dead } = convertItems('rss', feed.items, (i) =>
    normalizeFeedItem(i, feedScope(FEED), FETCHED),
  );

  it('reads channel language and every item', () => {
    expect(feed.kind).toBe('rss');
    expect(feed.lang).toBe('en-US');
    expect(feed.items).toHaveLength(4);
  });

  it('maps an item with escaped HTML description, creator and offset pubDate', () => {
    expect(mentions[0]).toEqual({
      id: 'rss:https://news.example.com/2026/11/acme-cloud-prices',
      source: 'rss',
      url: 'https://news.example.com/2026/11/acme-cloud-prices',
      author: { id: null, handle: 'Jane Reporter', display_name: 'Jane Reporter', followers: null },
      text: 'Acme Cloud cuts prices for startups\n\nAcme Cloud halves its entry tier & adds free egress.',
      title: 'Acme Cloud cuts prices for startups',
      lang: 'en-US',
      created_at: '2026-11-20T07:30:00.000Z',
      fetched_at: '2026-11-20T10:00:00.000Z',
      engagement: { likes: 0, reposts: 0, replies: 0, views: null },
      parent_id: null,
      synthetic: false,
    });
  });

  it('prefers content:encoded (CDATA, scripts dropped) and scopes a bare guid to its feed', () => {
    expect(mentions[1]?.id).toBe('rss:news.example.com/feed#4711');
    expect(mentions[1]?.text).toBe(
      'Regional outage hits Acme customers\n\nCustomers reported errors for two hours.',
    );
    expect(mentions[1]?.author.handle).toBe('desk@news.example.com (News Desk)');
  });

  it('falls back to the link as id and to the fetch time for undated items', () => {
    expect(mentions[2]?.id).toBe('rss:https://news.example.com/2026/11/undated');
    expect(mentions[2]?.created_at).toBe('2026-11-20T10:00:00.000Z');
  });

  it('dead-letters an unreadable date with the reason and the raw item', () => {
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toBe('unreadable pubDate');
    expect(dead[0]?.payload).toContain('yesterday-ish');
  });
});

describe('Atom and Google Alerts', () => {
  it('maps Atom entries: html title, alternate link, xml:lang, offsets to UTC, xhtml content', () => {
    const feed = parseFeed(readFixture('rss/blog.atom.xml'));
    const scope = feedScope('https://blog.example.de/feed', feed.id);
    const ms = feed.items.map((i) => normalizeFeedItem(i, scope, FETCHED));
    expect(ms[0]).toMatchObject({
      id: 'rss:urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a',
      url: 'https://blog.example.de/acme-test',
      title: 'Acme Cloud im Test',
      text: 'Acme Cloud im Test\n\nKurz: schnell, aber teuer.',
      lang: 'de',
      created_at: '2026-11-20T08:00:00.000Z',
      author: { handle: 'Max Muster' },
    });
    expect(ms[1]).toMatchObject({
      lang: 'en',
      text: 'XHTML content entry\n\nAcme rocks',
      created_at: '2026-11-19T10:00:00.000Z',
    });
  });

  it('unwraps Google Alerts links and strips the <b> highlights', () => {
    const feed = parseFeed(readFixture('rss/google-alerts.atom.xml'));
    expect(feed.googleAlerts).toBe(true);
    const scope = feedScope('https://www.google.com/alerts/feeds/1/2', feed.id);
    const m = normalizeFeedItem(feed.items[0]!, scope, FETCHED);
    expect(m.url).toBe('https://www.example-business.com/news/acme-cloud-frankfurt?utm=x');
    expect(m.title).toBe('Acme Cloud announces new region in Frankfurt');
    expect(m.text).toBe(
      'Acme Cloud announces new region in Frankfurt\n\nThe new Acme Cloud region opens in Q1 ...',
    );
    expect(m.id).toBe('rss:tag:google.com,2013:googlealerts/feed:10328093948377645411');
    expect(m.author?.handle).toBeNull();
  });

  it.each([
    ['https://www.google.com/url?q=https://a.example/x&sa=U', 'https://a.example/x'],
    ['https://www.google.co.uk/url?url=https%3A%2F%2Fb.example%2Fy', 'https://b.example/y'],
    ['https://www.google.com/search?q=x', 'https://www.google.com/search?q=x'],
    [
      'https://www.google.com/url?url=javascript:alert(1)',
      'https://www.google.com/url?url=javascript:alert(1)',
    ],
  ])('unwrapGoogleLink(%s)', (input, expected) => expect(unwrapGoogleLink(input)).toBe(expected));

  it.each([
    ['en-US', 'en-US'],
    ['EN', 'en'],
    ['pt_BR', 'pt-BR'],
    ['English', null],
    [null, null],
  ])('normalizeLang(%j) → %j', (input, expected) => expect(normalizeLang(input)).toBe(expected));

  it('rejects malformed XML and non-feeds with a reason', () => {
    expect(() => parseFeed(readFixture('rss/malformed.xml'))).toThrow(/malformed XML at line/);
    expect(() => parseFeed('<html><body>hi</body></html>')).toThrow(/not an RSS or Atom feed/);
  });
});

describe('RSS item ids (docs/sources.md, "RSS and Atom")', () => {
  const item = (guid: string | null, link: string | null = null) => ({
    guid,
    link,
    title: 'T',
    body: null,
    author: null,
    published: null,
    lang: null,
    raw: {},
  });

  it.each([
    ['https://news.example.com/2026/11/x', true],
    ['http://example.com/?p=123', true],
    ['tag:google.com,2013:googlealerts/feed:1032', true],
    ['urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a', true],
    ['4711', false],
    ['post:12', false], // a colon alone does not make a guid global
    ['2026-11-20T10:00:00Z', false],
    ['mailto:desk@news.example.com', false],
    ['https:/broken', false],
  ])('isGlobalId(%j) = %s', (guid, global) => expect(isGlobalId(guid)).toBe(global));

  it('a global guid is the id, wherever the feed is read from', () => {
    const guid = 'tag:news.example.com,2026:4711';
    expect(feedItemNativeId(item(guid), feedScope('https://news.example.com/feed'), null)).toBe(
      guid,
    );
    expect(feedItemNativeId(item(guid), feedScope('https://feeds.other.example/n'), null)).toBe(
      guid,
    );
  });

  it('a bare guid is scoped by the feed, and survives a move to https or www.', () => {
    const ids = [
      'http://news.example.com/feed',
      'https://news.example.com/feed',
      'https://www.news.example.com/feed/',
      'https://News.Example.com:443/feed',
    ].map((url) => feedItemNativeId(item('4711'), feedScope(url), null));
    expect(new Set(ids)).toEqual(new Set(['news.example.com/feed#4711']));
    // …but not a move to another host or path: "4711" says nothing about which feed it is in.
    expect(feedItemNativeId(item('4711'), feedScope('https://cdn.example.net/feed'), null)).toBe(
      'cdn.example.net/feed#4711',
    );
    // Two feeds of one site with their own numbering stay apart.
    expect(feedItemNativeId(item('1'), feedScope('https://s.example/a.xml'), null)).not.toBe(
      feedItemNativeId(item('1'), feedScope('https://s.example/b.xml'), null),
    );
  });

  it("an Atom feed's own id scopes its bare entry ids, so they survive any move", () => {
    const atomId = 'urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6';
    expect(feedScope('https://a.example/feed', atomId)).toBe(atomId);
    expect(feedItemNativeId(item('42'), feedScope('https://b.example/x', atomId), null)).toBe(
      `${atomId}#42`,
    );
    // A feed id that is itself bare is no better than the address.
    expect(feedScope('https://a.example/feed', '42')).toBe('a.example/feed');
  });

  it('without a guid: an absolute link is the id, a relative one is scoped', () => {
    const scope = feedScope('https://news.example.com/feed');
    const link = 'https://news.example.com/a';
    expect(feedItemNativeId(item(null, link), scope, link)).toBe('https://news.example.com/a');
    expect(feedItemNativeId(item(null, '/a'), scope, '/a')).toBe('news.example.com/feed#/a');
  });
});

describe('RSS connector against a local feed server', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('uses conditional GET, produces only new items, survives a restart', async () => {
    let body = readFixture('rss/news.rss.xml');
    server = await startHttpReplay((req) => {
      if (req.headers['if-none-match'] === `"v${body.length}"`) return { status: 304 };
      return {
        headers: { etag: `"v${body.length}"`, 'last-modified': 'Fri, 20 Nov 2026 09:00:00 GMT' },
        body,
      };
    });
    const config = RssConfigSchema.parse({ feeds: [`${server.baseUrl}/feed.xml`] });
    const rec = recordingPorts({ now: () => FETCHED });
    await createRssConnector(config, fast).run(rec.ports, { once: true });
    expect(rec.produced).toHaveLength(3);
    expect(rec.dead).toHaveLength(1);

    // Restart with the same cursor store: 304, nothing new.
    const rec2 = recordingPorts({ now: () => FETCHED, cursors: rec.cursors });
    await createRssConnector(config, fast).run(rec2.ports, { once: true });
    expect(server.requests[1]?.headers['if-none-match']).toBe(`"v${body.length}"`);
    expect(server.requests[1]?.headers['if-modified-since']).toBe('Fri, 20 Nov 2026 09:00:00 GMT');
    expect(rec2.produced).toHaveLength(0);

    // The feed changes: one new item on top; only it is produced.
    body = body.replace(
      '<item>',
      '<item><title>Fresh Acme story</title><link>https://news.example.com/fresh</link><pubDate>Fri, 20 Nov 2026 09:59:00 GMT</pubDate></item><item>',
    );
    const rec3 = recordingPorts({ now: () => FETCHED, cursors: rec.cursors });
    await createRssConnector(config, fast).run(rec3.ports, { once: true });
    expect(rec3.produced.map((m) => m.id)).toEqual(['rss:https://news.example.com/fresh']);
    // The item with the unreadable date is still in the changed feed: not dead-lettered again.
    expect(rec3.dead).toEqual([]);
  });

  it('dead-letters a malformed feed once, keeps the other feeds going', async () => {
    server = await startHttpReplay((req) => {
      if (req.url.pathname === '/broken.xml') {
        return req.headers['if-none-match'] === '"b1"'
          ? { status: 304 }
          : { headers: { etag: '"b1"' }, body: readFixture('rss/malformed.xml') };
      }
      if (req.url.pathname === '/gone.xml') return { status: 410 };
      return { body: readFixture('rss/blog.atom.xml') };
    });
    const config = RssConfigSchema.parse({
      feeds: [
        `${server.baseUrl}/broken.xml`,
        `${server.baseUrl}/gone.xml`,
        { url: `${server.baseUrl}/ok.xml`, name: 'blog' },
      ],
      lookback: '7d',
    });
    const rec = recordingPorts({ now: () => FETCHED });
    await createRssConnector(config, fast).run(rec.ports, { once: true });
    expect(rec.produced).toHaveLength(2);
    expect(rec.dead).toHaveLength(1);
    expect(rec.dead[0]?.reason).toMatch(/broken\.xml: malformed XML/);
    await createRssConnector(config, fast).run(recordingPorts({ cursors: rec.cursors }).ports, {
      once: true,
    });
    expect(rec.dead).toHaveLength(1);
  });

  it('keeps no validators from a truncated body: the next poll reads the whole feed (issue 18)', async () => {
    const whole = readFixture('rss/news.rss.xml');
    let truncate = true;
    // The validators of the whole document on a cut answer, as a proxy or cache in between
    // sends them; a 304 to them would hide the document for good.
    const validators = { etag: '"n1"', 'last-modified': 'Fri, 20 Nov 2026 09:00:00 GMT' };
    server = await startHttpReplay((req) => {
      if (req.headers['if-none-match'] === '"n1"') return { status: 304 };
      return { headers: validators, body: truncate ? whole.slice(0, 900) : whole };
    });
    const config = RssConfigSchema.parse({ feeds: [`${server.baseUrl}/feed.xml`] });
    const rec = recordingPorts({ now: () => FETCHED });
    await createRssConnector(config, fast).run(rec.ports, { once: true });
    expect(rec.produced).toEqual([]);
    expect(rec.dead.map((d) => d.reason)).toEqual([expect.stringMatching(/malformed XML/)]);

    // The same cut body again: no second dead letter, and still no validators sent.
    const rec2 = recordingPorts({ now: () => FETCHED, cursors: rec.cursors });
    await createRssConnector(config, fast).run(rec2.ports, { once: true });
    expect(rec2.dead).toEqual([]);
    expect(server.requests[1]?.headers['if-none-match']).toBeUndefined();

    // Restart; the server sends the whole feed now: every item is read.
    truncate = false;
    const rec3 = recordingPorts({ now: () => FETCHED, cursors: rec.cursors });
    await createRssConnector(config, fast).run(rec3.ports, { once: true });
    expect(server.requests[2]?.headers['if-none-match']).toBeUndefined();
    expect(server.requests[2]?.headers['if-modified-since']).toBeUndefined();
    expect(rec3.produced).toHaveLength(3);

    // …and only now are its validators used.
    const rec4 = recordingPorts({ now: () => FETCHED, cursors: rec.cursors });
    await createRssConnector(config, fast).run(rec4.ports, { once: true });
    expect(server.requests[3]?.headers['if-none-match']).toBe('"n1"');
    expect(rec4.produced).toEqual([]);
  });

  it('waits out the feed <ttl> between polls in a long-running loop', async () => {
    server = await startHttpReplay(() => ({ body: readFixture('rss/news.rss.xml') })); // <ttl>30</ttl>
    const config = RssConfigSchema.parse({
      feeds: [`${server.baseUrl}/feed.xml`],
      poll_interval_s: 60,
    });
    let t = FETCHED.getTime();
    let cycles = 0;
    const rec = recordingPorts({ now: () => new Date(t) });
    await createRssConnector(config, {
      ...fast,
      sleep: (ms) => {
        t += ms; // each idle wait moves the clock by the poll interval
        if (++cycles === 40) rec.controller.abort();
        return Promise.resolve();
      },
    }).run(rec.ports);
    // 40 cycles of 60 s = 40 min: polled at 0 and 30 min only
    expect(server.requests).toHaveLength(2);
  });

  it('fails the cycle only when every feed fails', async () => {
    server = await startHttpReplay(() => ({ status: 503 }));
    const config = RssConfigSchema.parse({
      feeds: [`${server.baseUrl}/a.xml`, `${server.baseUrl}/b.xml`],
    });
    const rec = recordingPorts();
    await expect(createRssConnector(config, fast).run(rec.ports, { once: true })).rejects.toThrow(
      /unavailable after 2 attempts/,
    );
  });
});
