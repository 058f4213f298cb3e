import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  download,
  ensureUiBuilt,
  launchBrowser,
  loaded,
  type RunningApp,
  screenshot,
  startApp,
  visit,
  type Watched,
} from '../support/browser.ts';

// Browser globals for the callbacks that run in the page (this file is checked without DOM).
declare const location: { hash: string };

/** The most data points any chart under `selector` drew (charts count every series' points). */
function maxChartPoints(page: Page, selector = '[data-chart="ready"]'): Promise<number> {
  return page
    .locator(selector)
    .evaluateAll((els) =>
      Math.max(
        0,
        ...els.map((e) =>
          Number(
            (e as unknown as { getAttribute(n: string): string | null }).getAttribute(
              'data-points',
            ),
          ),
        ),
      ),
    );
}

/**
 * What a marketer sends on Monday, clicked in a real Chromium against `earshot start`: the
 * download buttons of the brand page (mentions with the feed's filters, the series) and of the
 * comparison, the PDF report, the comparison's verdicts, language names, the custom range.
 */
let app: RunningApp;
let browser: Browser;
const open: Watched[] = [];

beforeAll(async () => {
  await ensureUiBuilt();
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((w) => w.context.close()));
  await browser?.close();
  await app?.stop();
}, 60_000);

/** The fields of one RFC 4180 line (quoted fields may hold commas and doubled quotes). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

/** How many mentions the API lists for these filters, paging it the way a client would. */
async function apiCount(params: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await fetch(
      `${app.url}/v1/brands/aurora/mentions?${params}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: { authorization: `Bearer ${app.key}` } },
    );
    const body = (await res.json()) as { mentions: unknown[]; next_cursor: string | null };
    n += body.mentions.length;
    cursor = body.next_cursor;
  } while (cursor);
  return n;
}

describe('reports and exports in Chromium', () => {
  it('brand: CSV of the feed with its filters (BOM, every row, counted), XLSX of the series', async () => {
    const { page, problems } = await visit(
      { app, browser, open },
      '#/brand/aurora?period=24h&sentiment=neg',
    );
    // Language names, not codes, in the filter and on the mentions.
    const langs = await page.locator('#filter-lang option').allTextContents();
    expect(langs).toContain('English');
    expect(langs.filter((l) => /^[a-z]{2,3}$/.test(l))).toEqual([]);

    const csv = await download(page, '[data-download="mentions"] button[data-format="csv"]');
    expect(csv.name).toBe('aurora-mentions.csv');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.toString('utf8').slice(1).trim().split('\r\n');
    const status = page.locator('[data-download="mentions"] .download-status');
    const rows = Number(await status.getAttribute('data-rows'));
    // Exactly: the file holds the mentions stored when it was counted, not those the live demo
    // stores while it streams.
    expect(lines.length - 1).toBe(rows);
    expect(await status.textContent()).toMatch(/^Saved aurora-mentions\.csv: all [\d,]+ mentions$/);
    // Only negative mentions: the feed's filter went with the export.
    const sentiment = fields(lines[0]!).indexOf('sentiment');
    expect(new Set(lines.slice(1).map((l) => fields(l)[sentiment]))).toEqual(new Set(['neg']));
    // …and as many as the API lists for the same filters (the relative range moves: ±a few).
    expect(Math.abs(rows - (await apiCount('from=now-24h&sentiment=neg')))).toBeLessThanOrEqual(3);

    const xlsx = await download(page, '[data-download="series"] button[data-format="xlsx"]');
    expect(xlsx.name).toBe('aurora-series.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('series')!;
    expect(sheet.getRow(1).getCell(3).value).toBe('volume');
    expect(sheet.rowCount - 1).toBe(
      Number(
        await page.locator('[data-download="series"] .download-status').getAttribute('data-rows'),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('brand: the PDF report button saves a PDF printed on the server', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/brand/nimbus?period=7d');
    const t0 = Date.now();
    const pdf = await download(page, '#report-button');
    console.log(`[figure] brand report PDF downloaded in ${Date.now() - t0} ms (7 days, demo)`);
    expect(pdf.name).toMatch(/^nimbus-report-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(await page.locator('[data-download="report"] .download-status').textContent()).toMatch(
      /^Saved nimbus-report-/,
    );
    expect(problems).toEqual([]);
  });

  it('the PDF is the brand page’s print view: the brand’s numbers, drawn charts, top mentions', async () => {
    // A window that ended an hour ago: the live demo (and its sink's lag) no longer writes into it,
    // so the page and the API read the same total (an hour-aligned `to` of now raced the sink).
    const to = new Date((Math.floor(Date.now() / 3_600_000) - 1) * 3_600_000).toISOString();
    const from = new Date(Date.parse(to) - 24 * 3_600_000).toISOString();
    const { page, problems } = await visit(
      { app, browser, open },
      `#/report/brand/nimbus?from=${from}&to=${to}`,
    );
    await page.emulateMedia({ media: 'print' });
    await page.waitForSelector('body[data-report="ready"]', { timeout: 30_000 });
    const health = (await (
      await fetch(`${app.url}/v1/brands/nimbus/health?from=${from}&to=${to}`, {
        headers: { authorization: `Bearer ${app.key}` },
      })
    ).json()) as { totals: { volume: number } };
    expect(health.totals.volume).toBeGreaterThan(0);
    // The brand page's own tiles, with the API's numbers and their change against the period before.
    expect(
      Number(await page.locator('[data-kpi="volume"] .kpi-value').getAttribute('data-value')),
    ).toBe(health.totals.volume);
    expect(await page.locator('[data-kpi="volume"] .pill').count()).toBe(1);
    // Every chart drew data before the page said it was ready.
    const points = await page
      .locator('.page-report [data-chart="ready"]')
      .evaluateAll((els) =>
        els.map((e) =>
          Number(
            (e as unknown as { getAttribute(n: string): string | null }).getAttribute(
              'data-points',
            ),
          ),
        ),
      );
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points.every((n) => n > 0)).toBe(true);
    expect(await page.locator('[data-panel="top-topics"]').count()).toBe(1);
    expect(await page.locator('[data-panel="report-negative"]').count()).toBe(1);
    expect(await page.locator('[data-panel="report-alerts"]').count()).toBe(1);
    // The most engaged positive mentions, most engaged first.
    const engagement = await page
      .locator('[data-panel="report-positive"] [data-engagement]')
      .evaluateAll((els) =>
        els.map((e) =>
          Number(
            (e as unknown as { getAttribute(n: string): string | null }).getAttribute(
              'data-engagement',
            ),
          ),
        ),
      );
    expect(engagement.length).toBeGreaterThan(0);
    expect(engagement).toEqual([...engagement].sort((a, b) => b - a));
    // No controls on paper.
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    expect(await page.locator('[data-download]').first().isVisible()).toBe(false);
    console.log(`[screenshot] ${await screenshot(page, 'report-print-view')}`);

    // The server prints this very page: the PDF carries its title.
    const pdf = await fetch(`${app.url}/v1/reports/brands/nimbus?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${app.key}` },
    });
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.toString('latin1')).toContain('/Title (Nimbus | earshot report)');
    expect(problems).toEqual([]);
  });

  it('compare: a verdict per metric, the table as CSV, and the comparison report', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/compare?period=24h');
    const verdicts = page.locator('table.compare .verdict');
    expect(await verdicts.count()).toBeGreaterThan(6);
    // The first brand is the reference: only the others carry "vs Aurora" verdicts.
    expect(
      await page.locator('tr[data-brand="aurora"] .verdict', { hasText: 'vs Aurora' }).count(),
    ).toBe(0);
    expect(
      await page.locator('tr[data-brand="nimbus"] .verdict', { hasText: 'vs Aurora' }).count(),
    ).toBeGreaterThan(0);
    const kinds = await verdicts.evaluateAll((els) =>
      els.map((e) =>
        (e as unknown as { getAttribute(n: string): string | null }).getAttribute('data-verdict'),
      ),
    );
    expect(
      kinds.every((k) =>
        ['higher', 'lower', 'no_clear_difference', 'too_little_data'].includes(k ?? ''),
      ),
    ).toBe(true);
    console.log(`[screenshot] ${await screenshot(page, 'compare-verdicts')}`);

    const csv = await download(page, '[data-download="compare"] button[data-format="csv"]');
    expect(csv.name).toBe('compare.csv');
    const lines = csv.bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines.map((l) => fields(l)[0])).toEqual(['brand', 'aurora', 'nimbus', 'zephyr']);

    const pdf = await download(page, '#report-button');
    expect(pdf.name).toMatch(/^compare-report-.*\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(problems).toEqual([]);
  });

  it('chart buckets: chosen beside the period, kept in the link, and printed as chosen', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/brand/nimbus?period=7d');
    const automatic = await maxChartPoints(page);
    const asked = page.waitForRequest((r) => /\/health\?.*interval=1d/.test(r.url()));
    await page.locator('#buckets').selectOption('1d');
    await asked;
    await page.waitForFunction(() => location.hash.includes('interval=1d'));
    await loaded(page);
    // Seven days in days: a handful of points per series where the automatic 6-hour buckets drew ~28.
    const daily = await maxChartPoints(page);
    expect(daily).toBeGreaterThan(0);
    expect(daily * 3).toBeLessThan(automatic);
    // 15-minute buckets are offered for a week (672) but not for 30 days (2,880 > the API's 2,000).
    const offered = () =>
      page
        .locator('#buckets option')
        .evaluateAll((els) =>
          els.map((e) =>
            (e as unknown as { getAttribute(n: string): string | null }).getAttribute('value'),
          ),
        );
    expect(await offered()).toContain('15m');
    await page.locator('#period').selectOption('30d');
    await page.waitForFunction(() => location.hash.includes('period=30d'));
    await loaded(page);
    expect(await offered()).not.toContain('15m');
    expect(await page.locator('#buckets').inputValue()).toBe('1d');

    // The PDF's print view takes the report's `interval` too.
    const to = new Date((Math.floor(Date.now() / 3_600_000) - 1) * 3_600_000);
    const from = new Date(to.getTime() - 7 * 86_400_000);
    const printView = async (interval: string) => {
      const w = await visit(
        { app, browser, open },
        `#/report/brand/nimbus?from=${from.toISOString()}&to=${to.toISOString()}${interval}`,
      );
      await w.page.waitForSelector('body[data-report="ready"]', { timeout: 30_000 });
      return maxChartPoints(w.page, '.page-report [data-chart="ready"]');
    };
    expect((await printView('&interval=1d')) * 3).toBeLessThan(await printView(''));
    expect(problems).toEqual([]);
  });

  it('a custom date range in whole days of the reporting time zone, labelled', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/');
    expect(await page.locator('.tz-label').textContent()).toBe('Days in UTC');
    await page.locator('#range-toggle').click();
    const today = new Date().toISOString().slice(0, 10);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#range-from').fill(twoDaysAgo);
    await page.locator('#range-to').fill(today);
    await page.locator('#range-apply').click();
    await page.waitForFunction(() => location.hash.includes('from='));
    await loaded(page);
    const hash = decodeURIComponent(new URL(page.url()).hash);
    expect(hash).toContain(`from=${twoDaysAgo}T00:00:00.000Z`);
    expect(hash).toContain(
      `to=${new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`,
    );
    expect(await page.locator('#period').inputValue()).toBe('');
    expect(problems).toEqual([]);
  });
});
