import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { alertRoutes } from '../../api/routes/alerts.ts';
import { uiRoutes } from '../../api/routes/ui.ts';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
import { saveIncident } from '../../store/queries/alerts-store.ts';
import { ensureUiBuilt } from '../support/browser.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * Exports, reporting time zones and the comparison's verdicts on a real ClickHouse engine,
 * through the API as production builds it.
 */
const services = inject('services');
const config = parseEarshotConfig(`
workspaces:
  - id: ws
    name: W
    timezone: Europe/Athens
    brands:
      - { id: acme, name: ACME, query: acme, competitors: [rival] }
      - { id: rival, name: Rival, query: rival }
`);
const NOW = new Date('2026-11-20T12:00:00Z');
const KEY = 'reports-test-key';
const GREEK = 'Το acme είναι υπέροχο, ευχαριστώ!';
const PERSIAN = 'acme واقعاً عالی است';

const brandRef = (brand: string) => [
  { workspace: 'ws', brand, query_id: `${brand}:q`, terms: [brand] },
];
let n = 0;
const mention = (
  brand: string,
  at: string,
  extra: Partial<EnrichedMention> = {},
): EnrichedMention =>
  anEnrichedMention({
    id: `fx:${++n}`,
    text: `${brand} mention ${n}`,
    created_at: at,
    author: { id: `a${n % 50}`, handle: `author${n % 50}`, display_name: null, followers: 100 },
    engagement: { likes: n % 7, reposts: n % 3, replies: 0, views: null },
    brands: brandRef(brand),
    ...extra,
  });

let store: Store;
let app: FastifyInstance;
const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${KEY}` } });

beforeAll(async () => {
  store = await freshStore(services);
  const mentions: EnrichedMention[] = [
    // Either side of local midnight in Athens (UTC+2): 23:30 on the 19th, 00:30 on the 20th.
    mention('acme', '2026-11-19T21:30:00.000Z', { id: 'fx:before-midnight' }),
    mention('acme', '2026-11-19T22:30:00.000Z', { id: 'fx:after-midnight' }),
    mention('acme', '2026-11-20T08:00:00.000Z', {
      id: 'fx:greek',
      text: GREEK,
      lang: 'el',
      url: 'https://example.org/el/1',
      author: { id: 'gr', handle: 'ελένη', display_name: 'Ελένη', followers: 4200 },
      engagement: { likes: 40, reposts: 2, replies: 1, views: null },
      sentiment: {
        label: 'pos',
        score: 0.7,
        confidence: 0.91,
        explanation: [],
        model: { name: 'lexicon-el', version: '2' },
      },
    }),
    mention('acme', '2026-11-20T08:01:00.000Z', {
      id: 'fx:persian',
      text: PERSIAN,
      lang: 'fa',
      sentiment: {
        label: 'neg',
        score: -0.4,
        confidence: 0.66,
        explanation: [],
        model: { name: 'lexicon-fa', version: '1' },
      },
    }),
    mention('acme', '2026-11-20T08:02:00.000Z', { id: 'fx:formula', text: '=HYPERLINK("x") acme' }),
  ];
  // More than one export page (1,000) for acme; half as many for rival: a real difference.
  for (let i = 0; i < 2_400; i++)
    mentions.push(
      mention('acme', new Date(Date.parse('2026-11-20T00:00:00Z') + i * 15_000).toISOString()),
    );
  for (let i = 0; i < 1_200; i++)
    mentions.push(
      mention('rival', new Date(Date.parse('2026-11-20T00:00:00Z') + i * 30_000).toISOString(), {
        sentiment: {
          label: i % 2 === 0 ? 'neg' : 'pos',
          score: 0,
          confidence: 0.5,
          explanation: [],
          model: { name: 'test', version: '1' },
        },
      }),
    );
  await storeThroughSink(store, mentions);
  await saveIncident(store, {
    workspace: 'ws',
    id: 'inc-1',
    rule_id: 'neg-spike',
    brand: 'acme',
    type: 'negative_spike',
    state: 'resolved',
    opened_at: '2026-11-20T06:00:00.000Z',
    updated_at: '2026-11-20T07:00:00.000Z',
    resolved_at: '2026-11-20T07:00:00.000Z',
    last_firing_at: '2026-11-20T06:30:00.000Z',
    detection: { z: 4 },
    peak: null,
    context: null,
    updates: 1,
    acked_at: null,
    acked_by: null,
  });
  // As `earshot start` serves it: the web UI (whose print view the PDF is) and the alerts.
  await ensureUiBuilt();
  app = await buildApi({
    store,
    config: () => config,
    logger: silentLogger(),
    now: () => NOW,
    demoKey: { key: KEY, workspace: 'ws' },
    extraRoutes: [alertRoutes],
    rootPlugins: [uiRoutes()],
  });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

const RANGE = 'from=2026-11-19T00:00:00Z&to=2026-11-21T00:00:00Z';

/** Mentions of acme in RANGE, counted straight from the store (not through the export). */
async function acmeCount(extra = ''): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    `SELECT uniqExact(mention_id) AS n FROM brand_mentions FINAL
     WHERE workspace = 'ws' AND brand = 'acme' ${extra}`,
  );
  return Number(row?.n);
}

/** RFC 4180 lines (no field in these fixtures spans lines). */
const csvLines = (body: string) => body.split('\r\n').filter((l) => l.length > 0);

describe('exports', () => {
  it('CSV starts with the UTF-8 byte-order mark and keeps Greek and Persian intact', async () => {
    const res = await get(`/v1/export/mentions.csv?brand=acme&${RANGE}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.rawPayload.toString('utf8');
    expect(text).toContain(GREEK);
    expect(text).toContain(PERSIAN);
    const lines = csvLines(text.slice(1));
    expect(lines[0]).toBe(
      'id,created_at,source,lang,author,author_name,followers,reach_estimate,url,sentiment,sentiment_score,sentiment_confidence,sentiment_model,likes,reposts,replies,engagement,owned,topics,title,text',
    );
    const greek = lines.find((l) => l.startsWith('fx:greek,'));
    expect(greek).toBe(
      `fx:greek,2026-11-20T08:00:00.000Z,test,el,ελένη,Ελένη,4200,4200,https://example.org/el/1,pos,0.7,0.91,lexicon-el@2,40,2,1,43,false,,,"${GREEK}"`,
    );
    // A cell that starts like a formula is not run by the spreadsheet.
    expect(lines.find((l) => l.startsWith('fx:formula,'))).toMatch(/,"'=HYPERLINK\(""x""\) acme"$/);
  });

  it('says how many rows and streams every one of them, across pages, with the filters', async () => {
    const all = await get(`/v1/export/mentions.csv?brand=acme&${RANGE}`);
    const expected = await acmeCount();
    expect(expected).toBe(2_405);
    expect(Number(all.headers['x-total-count'])).toBe(expected);
    expect(csvLines(all.body.slice(1)).length - 1).toBe(expected);

    const neg = await get(`/v1/export/mentions.csv?brand=acme&${RANGE}&sentiment=neg&lang=fa`);
    expect(Number(neg.headers['x-total-count'])).toBe(1);
    expect(
      csvLines(neg.body.slice(1))
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['fx:persian']);
  });

  it('takes the feed’s tag, bookmark and hidden filters, as the feed does', async () => {
    const act = (body: object) =>
      app.inject({
        method: 'POST',
        url: '/v1/mentions/actions',
        headers: { authorization: `Bearer ${KEY}` },
        payload: body,
      });
    const ids = async (filters: string) => {
      const res = await get(`/v1/export/mentions.csv?brand=acme&${RANGE}&${filters}`);
      expect(res.statusCode).toBe(200);
      const rows = csvLines(res.body.slice(1)).slice(1);
      expect(rows.length).toBe(Number(res.headers['x-total-count']));
      return rows.map((l) => l.split(',')[0]).sort();
    };
    expect((await act({ id: 'fx:greek', tags: ['Press'], bookmarked: true })).statusCode).toBe(200);
    expect((await act({ id: 'fx:persian', tags: ['press'] })).statusCode).toBe(200);
    expect((await act({ id: 'fx:formula', hidden: true })).statusCode).toBe(200);
    try {
      expect(await ids('tag=press')).toEqual(['fx:greek', 'fx:persian']);
      expect(await ids('tag=press&bookmarked=true')).toEqual(['fx:greek']);
      expect(await ids('hidden=true')).toEqual(['fx:formula']);
      // The same answers as the feed for the same filters.
      const feed = await get(`/v1/brands/acme/mentions?${RANGE}&tag=press&limit=200`);
      expect(
        (JSON.parse(feed.body) as { mentions: { id: string }[] }).mentions.map((m) => m.id).sort(),
      ).toEqual(['fx:greek', 'fx:persian']);
      // A hidden mention is out of the plain download, as it is out of the feed.
      expect(
        Number((await get(`/v1/export/mentions.csv?brand=acme&${RANGE}`)).headers['x-total-count']),
      ).toBe((await acmeCount()) - 1);
    } finally {
      // The other tests count every stored mention.
      await act({ id: 'fx:greek', tags: [], bookmarked: false });
      await act({ id: 'fx:persian', tags: [] });
      await act({ id: 'fx:formula', hidden: false });
    }
  });

  it('XLSX opens back with exceljs: the same rows, numbers as numbers, Persian intact', async () => {
    const res = await get(`/v1/export/mentions.xlsx?brand=acme&${RANGE}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe('attachment; filename="acme-mentions.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('mentions')!;
    expect(sheet.rowCount - 1).toBe(Number(res.headers['x-total-count']));
    expect(sheet.rowCount - 1).toBe(await acmeCount());
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const rows = new Map<string, unknown[]>();
    sheet.eachRow((row, i) => {
      if (i > 1) {
        const v = (row.values as unknown[]).slice(1);
        rows.set(String(v[0]), v);
      }
    });
    const persian = rows.get('fx:persian')!;
    expect(persian[header.indexOf('text')]).toBe(PERSIAN);
    expect(persian[header.indexOf('sentiment_confidence')]).toBe(0.66);
    expect(persian[header.indexOf('sentiment_model')]).toBe('lexicon-fa@1');
    expect(rows.get('fx:greek')![header.indexOf('followers')]).toBe(4200);
  });

  it('exports the series (with local bucket times) and the comparison table', async () => {
    const series = await get(
      `/v1/export/series.csv?brand=acme&${RANGE}&interval=1d&tz=Europe/Athens`,
    );
    expect(series.statusCode).toBe(200);
    const lines = csvLines(series.body.slice(1));
    expect(lines[0]).toMatch(/^bucket_start,bucket_start_local \(Europe\/Athens\),volume,/);
    expect(Number(series.headers['x-total-count'])).toBe(lines.length - 1);
    expect(lines[1]).toMatch(/^2026-11-18T22:00:00.000Z,2026-11-19 00:00,1,/);

    const cmp = await get(`/v1/export/compare.xlsx?brands=acme,rival&${RANGE}`);
    expect(cmp.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(cmp.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('compare')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const rival = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(rival[0]).toBe('rival');
    expect(rival[header.indexOf('mentions')]).toBe(1_200);
    expect(rival[header.indexOf('mentions_vs_reference')]).toBe('lower');
  });

  it('refuses what it cannot answer before sending a byte', async () => {
    const bad = await get(`/v1/export/mentions.xlsx?brand=acme&${RANGE}&tz=Mars/Olympus`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_parameter' } });
    expect((await get(`/v1/export/mentions.csv?brand=nope&${RANGE}`)).statusCode).toBe(404);
  });
});

describe('reporting time zone', () => {
  const days = async (tz: string | null) => {
    const res = await get(
      `/v1/brands/acme/health?from=2026-11-19T00:00:00Z&to=2026-11-20T00:00:00Z&interval=1d${tz ? `&tz=${tz}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    return res.json<{ tz: string; from: string; series: Array<{ t: string; volume: number }> }>();
  };

  it('splits days at local midnight: the workspace’s zone by default, `tz` overrides it', async () => {
    const athens = await days(null);
    expect(athens.tz).toBe('Europe/Athens');
    // 23:30 on the 19th in Athens is in the 19th; 00:30 on the 20th starts the 20th.
    expect(athens.series.slice(0, 2)).toMatchObject([
      { t: '2026-11-18T22:00:00.000Z', volume: 1 },
      { t: '2026-11-19T22:00:00.000Z' },
    ]);
    expect(athens.series[1]!.volume).toBeGreaterThanOrEqual(1);
    const utc = await days('UTC');
    expect(utc.series[0]).toMatchObject({ t: '2026-11-19T00:00:00.000Z', volume: 2 });
    // Tehran is UTC+3:30: both are on the 20th there (01:00 and 02:00).
    const tehran = await days('Asia/Tehran');
    expect(tehran.series[0]).toMatchObject({ t: '2026-11-18T20:30:00.000Z', volume: 0 });
  });

  it('answers an unknown time zone with a 400 naming `tz`', async () => {
    for (const tz of ['Mars/Olympus', '%2B02:00', 'Europe%2FAthens%3B']) {
      const res = await get(`/v1/brands/acme/health?tz=${tz}`);
      expect(res.statusCode, tz).toBe(400);
      const body = res.json<{
        error: { details: Array<{ parameter: string; message: string }> };
      }>();
      expect(body.error.details[0]).toMatchObject({ parameter: 'tz' });
      expect(body.error.details[0]!.message).toMatch(/IANA time zone/);
    }
    expect((await get('/v1/compare?brands=acme&tz=Nowhere/Special')).statusCode).toBe(400);
  });
});

describe('comparison verdicts', () => {
  it('says which differences are real, against the first brand and the previous period', async () => {
    const res = await get(`/v1/compare?brands=acme,rival&${RANGE}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      reference: string;
      coverage: { data_since: string; complete: boolean };
      brands: Array<{
        brand: string;
        volume: number;
        engagement_per_mention: { value: number; ci95: [number, number] | null };
        vs_reference: Record<string, { verdict: string; p_value: number | null }> | null;
        vs_previous: Record<string, { verdict: string; p_value: number | null }>;
      }>;
    }>();
    expect(body.reference).toBe('acme');
    const [acme, rival] = body.brands;
    expect(acme!.vs_reference).toBeNull();
    // 1,200 against 2,405 mentions over the same time: clearly fewer.
    expect(rival!.vs_reference!.volume).toMatchObject({ verdict: 'lower' });
    expect(rival!.vs_reference!.volume!.p_value).toBeLessThan(0.001);
    // Rival's negative share is 50 %, acme's is 1 in 2,405.
    expect(rival!.vs_reference!.negative_share!.verdict).toBe('higher');
    // Nothing before 19 Nov: everything is new against the (empty) previous period.
    expect(acme!.vs_previous.volume!.verdict).toBe('higher');
    expect(acme!.engagement_per_mention.ci95).not.toBeNull();
    const [lo, hi] = acme!.engagement_per_mention.ci95!;
    expect(lo).toBeLessThanOrEqual(acme!.engagement_per_mention.value);
    expect(hi).toBeGreaterThanOrEqual(acme!.engagement_per_mention.value);
  });

  it('says where the data starts when the range reaches back before it', async () => {
    const week = await get('/v1/compare?brands=acme,rival&from=now-7d');
    const body = week.json<{ coverage: { data_since: string; complete: boolean } }>();
    expect(body.coverage).toMatchObject({
      data_since: '2026-11-19T21:00:00.000Z',
      complete: false,
    });
    const day = await get(
      '/v1/compare?brands=acme,rival&from=2026-11-20T00:00:00Z&to=2026-11-20T12:00:00Z',
    );
    expect(day.json<{ coverage: { complete: boolean } }>().coverage.complete).toBe(true);
  });
});

describe('reports', () => {
  it('a brand report (HTML): KPIs vs previous, charts, topics, most engaged mentions, alerts', async () => {
    const res = await get(`/v1/reports/brands/acme?${RANGE}&format=html`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('<h1>ACME</h1>');
    for (const kpi of ['Mentions', 'Net sentiment', 'Negative share', 'Engagement'])
      expect(html).toContain(`data-kpi="${kpi}"`);
    // Mentions: 2,405 now, none in the period before: "new".
    expect(html).toMatch(
      /data-kpi="Mentions"><span class="muted">Mentions<\/span><b>2,405<\/b><span class="[a-z]*">new<\/span>/,
    );
    expect(html).toContain('aria-label="Mentions over time by sentiment"');
    expect(html).toContain('Greek');
    // The most engaged positive mention is the Greek one (43); the only negative, the Persian one.
    const positive = html.slice(
      html.indexOf('Most engaged positive'),
      html.indexOf('Most engaged negative'),
    );
    expect(positive.indexOf('Το acme')).toBeGreaterThan(0);
    const negative = html.slice(html.indexOf('Most engaged negative'), html.indexOf('<h2>Alerts'));
    expect(negative).toContain('واقعاً');
    expect(html).toContain('<h2>Alerts (1)</h2>');
    expect(html).toContain('negative spike');
    // Self-contained: nothing to fetch when printed.
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('a comparison report (HTML) carries the verdicts and the data-since notice', async () => {
    const res = await get('/v1/reports/compare?brands=acme,rival&from=now-7d&format=html');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>ACME vs Rival</h1>');
    expect(res.body).toMatch(/class="verdict lower">▼ lower than ACME/);
    expect(res.body).toContain('Data since');
  });

  it('prints the dashboard’s print view to PDF with the machine’s Chromium', async () => {
    const t0 = Date.now();
    const res = await get(`/v1/reports/brands/acme?${RANGE}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="acme-report-2026-11-19.pdf"',
    );
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(res.rawPayload.length).toBeGreaterThan(10_000);
    // The PDF's title is the print view's (the server's HTML report is "ACME: report").
    expect(res.rawPayload.toString('latin1')).toContain('/Title (ACME | earshot report)');
    console.log(
      `[figure] brand report PDF in ${Date.now() - t0} ms (first, with the browser start)`,
    );
    const cmp = await get(`/v1/reports/compare?brands=acme,rival&${RANGE}`);
    expect(cmp.statusCode).toBe(200);
    expect(cmp.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(cmp.rawPayload.toString('latin1')).toContain('/Title (ACME vs Rival | earshot report)');
  });

  it('an API without the web UI prints the HTML report of the same queries instead', async () => {
    const bare = await buildApi({
      store,
      config: () => config,
      logger: silentLogger(),
      now: () => NOW,
      demoKey: { key: KEY, workspace: 'ws' },
    });
    try {
      const res = await bare.inject({
        url: `/v1/reports/brands/acme?${RANGE}`,
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.toString('latin1')).toContain('/Title (ACME: report)');
    } finally {
      await bare.close();
    }
  });

  it('without a browser: a clear 503 naming the HTML report, which is served', async () => {
    const bare = await buildApi({
      store,
      config: () => config,
      logger: silentLogger(),
      now: () => NOW,
      demoKey: { key: KEY, workspace: 'ws' },
      reportsBrowserPath: '/nonexistent/chromium',
    });
    try {
      const res = await bare.inject({
        url: `/v1/reports/brands/acme?${RANGE}`,
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(res.statusCode).toBe(503);
      const body = res.json<{
        error: { code: string; message: string; details: Array<{ html_url: string }> };
      }>();
      expect(body.error.code).toBe('pdf_unavailable');
      expect(body.error.message).toMatch(/none at \/nonexistent\/chromium.*REPORTS_BROWSER_PATH/);
      const html = await bare.inject({
        url: body.error.details[0]!.html_url,
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(html.statusCode).toBe(200);
      expect(html.body).toContain('<h1>ACME</h1>');
    } finally {
      await bare.close();
    }
  });
});
