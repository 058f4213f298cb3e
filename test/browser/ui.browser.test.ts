import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../support/wait-for.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chartPoints,
  ensureUiBuilt,
  launchBrowser,
  loaded,
  openPage,
  type RunningApp,
  screenshot,
  startApp,
  visit,
  type Watched,
} from '../support/browser.ts';

// The callbacks given to page.evaluate/waitForFunction run in the browser. This file is
// type-checked with the project's Node settings (no DOM library), so the few browser globals
// they use are declared here, for this module only.
interface BrowserElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): ArrayLike<BrowserElement> & Iterable<BrowserElement>;
  hasAttribute(name: string): boolean;
  closest(selector: string): BrowserElement | null;
  textContent: string | null;
  outerHTML: string;
  firstChild: { textContent: string | null } | null;
}
declare const document: {
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): ArrayLike<BrowserElement> & Iterable<BrowserElement>;
  documentElement: { scrollWidth: number };
  body: BrowserElement;
  activeElement: BrowserElement | null;
};
declare const location: { hash: string };
declare const window: { innerWidth: number };
declare function getComputedStyle(el: BrowserElement): { backgroundColor: string };
declare const CSS: { escape(s: string): string };

/**
 * The web UI in a real browser (the machine's Chromium) against the embedded demo, as a brand
 * manager meets it: open the printed link, read the overview, drill into a brand and its
 * mentions, compare, acknowledge an alert. Screenshots of every page go to
 * test-results/screenshots/ for a person to look at.
 */
let app: RunningApp;
let browser: Browser;
const open: Watched[] = [];

beforeAll(async () => {
  await ensureUiBuilt();
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  // The key travels in the link once; the UI keeps it and takes it out of the address bar.
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((w) => w.context.close()));
  await browser?.close();
  await app?.stop();
}, 60_000);

const feedTimes = (page: Page): Promise<number[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll('.feed time')].map((e) =>
      Date.parse(e.getAttribute('datetime') ?? ''),
    ),
  );

const feedEngagement = (page: Page): Promise<number[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll('.feed > li.mention')].map((e) =>
      Number(e.getAttribute('data-engagement')),
    ),
  );

const num = async (page: Page, selector: string): Promise<number> =>
  Number(await page.locator(selector).first().getAttribute('data-value'));

describe('web UI in Chromium', () => {
  it('overview: every brand with volume, sentiment, share of voice, sparkline; no console errors', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/', { figures: true });
    const cards = page.locator('.brand-card');
    expect(await cards.count()).toBe(3);
    for (const brand of ['aurora', 'nimbus', 'zephyr']) {
      const card = page.locator(`.brand-card[data-brand="${brand}"]`);
      expect(
        await num(page, `.brand-card[data-brand="${brand}"] [data-metric="volume"] .metric-value`),
      ).toBeGreaterThan(0);
      expect(await card.locator('[data-metric="net"] .metric-value').textContent()).toMatch(
        /^[+\u2212]?\d\.\d\d$/,
      );
      expect(await card.locator('[data-metric="sov"] .metric-value').textContent()).toMatch(
        /^\d+%$/,
      );
      expect(
        await chartPoints(page, `.brand-card[data-brand="${brand}"] .sparkline`),
      ).toBeGreaterThanOrEqual(20);
    }
    const sovSum = await page.evaluate(() =>
      [...document.querySelectorAll('.brand-card [data-metric="sov"] .metric-value')].reduce(
        (s, e) => s + Number(e.getAttribute('data-value')),
        0,
      ),
    );
    expect(sovSum).toBeCloseTo(1, 5);
    expect(await chartPoints(page, '[data-panel="volume"]')).toBeGreaterThanOrEqual(60);
    expect(await chartPoints(page, '[data-panel="sov"]')).toBe(3);
    console.log(`[screenshot] ${await screenshot(page, 'overview')}`);
    expect(problems).toEqual([]);
  });

  it('the period picker changes what is shown and lands in the URL', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/', { figures: true });
    const day = await num(
      page,
      '.brand-card[data-brand="aurora"] [data-metric="volume"] .metric-value',
    );
    await page.selectOption('#period', '1h');
    await page.waitForFunction(() => location.hash.includes('period=1h'));
    await loaded(page);
    await page.waitForFunction(
      (before) =>
        Number(
          document
            .querySelector('.brand-card[data-brand="aurora"] [data-metric="volume"] .metric-value')
            ?.getAttribute('data-value'),
        ) < before,
      day,
      { timeout: 15_000 },
    );
    const hour = await num(
      page,
      '.brand-card[data-brand="aurora"] [data-metric="volume"] .metric-value',
    );
    expect(hour).toBeGreaterThan(0);
    expect(hour).toBeLessThan(day / 4);
    expect(await page.locator('#period').inputValue()).toBe('1h');
    // A reload of the deep link shows the same period.
    await page.reload();
    await loaded(page);
    expect(await page.locator('#period').inputValue()).toBe('1h');
    expect(problems).toEqual([]);
  });

  it('brand: charts with data, mention feed that paginates, filters, and the words behind each score', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/', { figures: true });
    await page.locator('.brand-card[data-brand="nimbus"] h2 a').click();
    await page.waitForFunction(() => location.hash.startsWith('#/brand/nimbus'));
    await loaded(page);
    expect(await page.locator('h1').textContent()).toContain('Nimbus');
    expect(await num(page, '[data-kpi="volume"] .kpi-value')).toBeGreaterThan(0);
    expect(await chartPoints(page, '[data-panel="timeline"]')).toBeGreaterThanOrEqual(80);
    expect(await chartPoints(page, '[data-panel="languages"]')).toBeGreaterThan(1);

    // Topic labels are phrases; a topic in several languages says how many, naming them on hover.
    const topics = await page.evaluate(() =>
      [...document.querySelectorAll('[data-topics="top"] li button')].map((b) => ({
        label: b.querySelector('bdi')?.textContent ?? '',
        title: b.getAttribute('title') ?? '',
        langs: b.querySelector('.topic-langs')?.getAttribute('data-langs')?.split(' ') ?? [],
        said: b.querySelector('.topic-langs')?.textContent ?? '',
      })),
    );
    expect(topics.length).toBeGreaterThan(0);
    for (const t of topics) {
      expect(t.label).not.toMatch(/ · /);
      if (t.langs.length > 1) {
        expect(t.said).toBe(` · ${t.langs.length} languages`);
        expect(t.title).toMatch(/\((\p{L}+[ \p{L}]*, )+\p{L}+[ \p{L}]*\)$/u);
      } else expect(t.said).toBe('');
    }
    console.log(
      `[figure] top topics: ${topics.map((t) => `${t.label} [${t.langs.join(' ')}]`).join('; ')}`,
    );

    const mentions = page.locator('.feed > li.mention');
    expect(await mentions.count()).toBe(25);
    expect(await page.locator('.feed mark').count()).toBeGreaterThan(10);
    expect(await page.locator('.feed .why .chip').count()).toBeGreaterThan(10);
    console.log(`[screenshot] ${await screenshot(page, 'brand')}`);

    // Infinite scroll: reaching the end of the feed loads the next page (new mentions, no repeats).
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => document.querySelectorAll('.feed > li.mention').length >= 50,
      null,
      { timeout: 15_000 },
    );
    // …and the button does the same for keyboard users.
    await page.locator('.load-more').click();
    await page.waitForFunction(
      () => document.querySelectorAll('.feed > li.mention').length >= 75,
      null,
      { timeout: 15_000 },
    );
    const ids = await page.evaluate(() =>
      [...document.querySelectorAll('.feed > li.mention')].map((e) =>
        e.getAttribute('data-mention'),
      ),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const times = await feedTimes(page);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // Most engaged first: the order is in the URL and the feed reloads in it.
    const newestMax = Math.max(...(await feedEngagement(page)));
    await page.locator('.segmented label', { hasText: 'Most engaged' }).click();
    await page.waitForFunction(() => location.hash.includes('sort=engagement'));
    await page.waitForFunction(
      () => document.querySelector('.feed')?.getAttribute('aria-busy') === 'false',
    );
    await page.waitForFunction(
      () => document.querySelectorAll('.feed > li.mention').length >= 25,
      null,
      { timeout: 15_000 },
    );
    const engaged = await feedEngagement(page);
    expect(engaged).toEqual([...engaged].sort((a, b) => b - a));
    expect(engaged[0]).toBeGreaterThanOrEqual(newestMax);
    await page.locator('.segmented label', { hasText: 'Newest' }).click();
    await page.waitForFunction(() => !location.hash.includes('sort='));

    // Filter: only negative mentions, in the URL too.
    await page.locator('.segmented label', { hasText: 'Negative' }).click();
    await page.waitForFunction(() => location.hash.includes('sentiment=neg'));
    await page.waitForFunction(
      () => {
        const items = [...document.querySelectorAll('.feed > li.mention')];
        return items.length > 0 && items.every((li) => li.querySelector('.sentiment.s-neg'));
      },
      null,
      { timeout: 15_000 },
    );
    expect(await page.locator('.feed mark.w-neg').count()).toBeGreaterThan(0);

    // Language filter narrows further.
    await page.selectOption('#filter-lang', 'de');
    await page.waitForFunction(() => location.hash.includes('lang=de'));
    await page.waitForFunction(
      () => {
        const items = [...document.querySelectorAll('.feed > li.mention')];
        return (
          items.length > 0 &&
          // Shown by name ("German"), with the code in its title.
          items.every((li) =>
            [...li.querySelectorAll('.tag')].some(
              (t) => t.textContent === 'German' && t.getAttribute('title')?.includes('(de)'),
            ),
          )
        );
      },
      null,
      { timeout: 15_000 },
    );
    expect(problems).toEqual([]);
  });

  it('brand: clicking a bar of the chart shows the mentions of that interval', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/brand/nimbus?period=24h', {
      figures: true,
    });
    const chart = page.locator('[data-panel="timeline"] [data-chart="ready"]');
    const box = (await chart.boundingBox())!;
    // The whole column of a bucket is the target, not only its bar: a click high in the plot,
    // mid-chart, above the short bars of a quiet hour, still picks that hour.
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.35);
    await page.waitForFunction(() => location.hash.includes('feed_from='), null, {
      timeout: 10_000,
    });
    const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    const from = Date.parse(params.get('feed_from')!);
    const to = Date.parse(params.get('feed_to')!);
    expect(to - from).toBeGreaterThan(0);
    expect(to - from).toBeLessThanOrEqual(3_600_000);
    await page.waitForFunction(() =>
      document.querySelector('.window-note span')?.textContent?.startsWith('Showing'),
    );
    await page.waitForFunction(
      () => document.querySelectorAll('.feed > li.mention').length > 0,
      null,
      { timeout: 15_000 },
    );
    const times = await feedTimes(page);
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(from);
      expect(t).toBeLessThan(to);
    }
    expect(problems).toEqual([]);
  });

  it('compare: share of voice and sentiment side by side with intervals; the brand picker changes it', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/compare', { figures: true });
    const rows = page.locator('table.compare tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await page.locator('table.compare .ci-range').first().textContent()).toMatch(
      /\d+\.\d%–\d+\.\d%/,
    );
    expect(await chartPoints(page, '[data-panel="sov-time"]')).toBeGreaterThanOrEqual(60);
    expect(await chartPoints(page, '[data-panel="net-time"]')).toBeGreaterThanOrEqual(60);
    expect(await chartPoints(page, '[data-panel="shares"]')).toBe(12);
    console.log(`[screenshot] ${await screenshot(page, 'compare')}`);

    await page.locator('.brand-picker label', { hasText: 'Zephyr' }).click();
    await page.waitForFunction(() => location.hash.includes('brands=aurora,nimbus'));
    await loaded(page);
    await page.waitForFunction(
      () => document.querySelectorAll('table.compare tbody tr').length === 2,
    );
    const sov = await page.evaluate(() =>
      [...document.querySelectorAll('table.compare tbody tr td.ci .ci-text')]
        .filter((_, i) => i % 3 === 0)
        .map((e) => e.firstChild?.textContent ?? ''),
    );
    expect(sov.map((s) => Number.parseFloat(s)).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    expect(problems).toEqual([]);
  });

  it('alerts: a negative spike raises an alert, shown with why it fired, and it can be acknowledged', async () => {
    // A complaint storm about Zephyr, through the public webhook: varied texts from different
    // authors in the last few minutes, so the live evaluator (every minute) sees a spike.
    const now = Date.now();
    const openers = [
      'Zephyr update broke my phone',
      'My Zephyr is awful since the update',
      'Zephyr support is terrible',
      'Worst Zephyr ever',
    ];
    const closers = [
      'battery drains in an hour',
      'camera crashes constantly',
      'I want a refund',
      'never buying again',
      'totally useless now',
      'so disappointed and angry',
    ];
    const storm = Array.from({ length: 180 }, (_, i) => ({
      id: `webhook:ui-test-${now}-${i}`,
      source: 'webhook',
      text: `${openers[i % openers.length]!}, ${closers[(i * 7) % closers.length]!}. Ticket ${1000 + i * 37}.`,
      created_at: new Date(now - 60_000 - (i % 120) * 1_000).toISOString(),
      author: { id: `storm-${i}`, handle: `angry_${i}` },
    }));
    const ingest = await fetch(`${app.url}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(storm),
    });
    expect(ingest.status).toBe(202);
    const alert = await waitFor(
      async () => {
        const res = await fetch(`${app.url}/v1/alerts?state=active&brand=zephyr`, {
          headers: { authorization: `Bearer ${app.key}` },
        });
        const body = (await res.json()) as { alerts?: { id: string; acked_at: string | null }[] };
        return body.alerts?.find((a) => a.acked_at === null);
      },
      { timeoutMs: 180_000, intervalMs: 2_000, what: 'an alert for the Zephyr spike' },
    );

    // The history is replayed a tick after the backfill's data start held still (up to two
    // minutes after the start); the storm may open live before that.
    await waitFor(
      async () => {
        const res = await fetch(`${app.url}/v1/alerts?brand=nimbus`, {
          headers: { authorization: `Bearer ${app.key}` },
        });
        const body = (await res.json()) as { alerts?: { historical: boolean }[] };
        return body.alerts?.some((a) => a.historical);
      },
      { timeoutMs: 180_000, intervalMs: 2_000, what: 'the historical Nimbus alert' },
    );
    const { page, problems } = await visit({ app, browser, open }, '#/alerts', { figures: true });
    const item = page.locator(`.alert-item[data-alert="${alert.id}"]`);
    await item.waitFor({ timeout: 10_000 });
    // The demo's planted Nimbus spike, found in the history on the first start, is on the Open
    // tab as a historical alert, naming its rule, with its time absolute and relative.
    // The storm happens now: live, not historical, even when a history replay finds it first.
    expect(await item.locator('.state-historical').count()).toBe(0);
    const planted = page.locator('.alert-item', {
      has: page.locator('.state-historical'),
      hasText: 'Nimbus',
    });
    await planted.first().waitFor({ timeout: 10_000 });
    expect(await planted.first().textContent()).toMatch(
      // Absolute in the browser's locale (alert-rules.browser.test.ts checks one exactly).
      /Nimbus.*rule nimbus-negative-spike.*opened .* ago \([^)]*\d{4}[^)]*\d\d:\d\d[^)]*\)/,
    );
    expect(await item.locator('.why-numbers').textContent()).toMatch(
      /negative mentions \d+ vs baseline/,
    );
    expect(await page.locator('.brand-card, .badge-alert').count()).toBe(0);
    console.log(`[screenshot] ${await screenshot(page, 'alerts')}`);
    await item.locator('.ack-button').click();
    await item.locator('.acked').waitFor({ timeout: 10_000 });
    // Stored: it survives a reload, and the API says so too.
    await page.reload();
    await loaded(page);
    await page.locator(`.alert-item[data-alert="${alert.id}"] .acked`).waitFor({ timeout: 10_000 });
    const after = (await (
      await fetch(`${app.url}/v1/alerts?brand=zephyr`, {
        headers: { authorization: `Bearer ${app.key}` },
      })
    ).json()) as {
      alerts: { id: string; acked_at: string | null }[];
    };
    expect(after.alerts.find((a) => a.id === alert.id)?.acked_at).toEqual(expect.any(String));
    // Backtest a rule from its row: the planted Nimbus incident of the demo is in the history.
    const rule = page.locator('tr[data-rule="nimbus-negative-spike"]');
    await rule.locator('button', { hasText: 'Backtest' }).click();
    await page.waitForFunction(
      () =>
        /Would have raised \d+ alert/.test(
          document.querySelector('tr[data-rule="nimbus-negative-spike"] .backtest-result')
            ?.textContent ?? '',
        ),
      null,
      { timeout: 90_000 },
    );
    expect(await rule.locator('.backtest-result').textContent()).not.toMatch(/raised 0 alerts/);
    // Each alert the backtest would have raised is listed: time, rule, numbers, why, and a link
    // to the mentions of its window.
    const listed = rule.locator('.backtest-alerts li').first();
    expect(await listed.textContent()).toMatch(
      /\d{4}.*\d\d:\d\d.*nimbus-negative-spike.*negative mentions.*vs.*z /,
    );
    expect(await listed.locator('a').getAttribute('href')).toMatch(/^#\/brand\/nimbus/);
    console.log(`[screenshot] ${await screenshot(page, 'alerts-acked-backtest')}`);
    // The overview flags the brand with the open alert.
    await page.goto(`${app.url}/#/`);
    await loaded(page);
    expect(await page.locator('.brand-card[data-brand="zephyr"] .badge-alert').count()).toBe(1);
    expect(problems).toEqual([]);
  }, 300_000);

  it('asks for a key when it has none or a wrong one, and remembers a good one', async () => {
    const w = await openPage(browser);
    open.push(w);
    const { page, problems } = w;
    await page.goto(`${app.url}/#/compare`);
    const dialog = page.locator('dialog#key-dialog');
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.locator('h2').textContent()).toBe('This dashboard needs an API key');
    await page.fill('#key-input', 'not-a-key-of-this-workspace');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        document.querySelector('dialog#key-dialog h2')?.textContent ===
        'Your API key was not accepted',
    );
    await page.fill('#key-input', app.key);
    await page.keyboard.press('Enter');
    await loaded(page);
    expect(await page.locator('table.compare tbody tr').count()).toBe(3);
    // Kept in this browser: a reload needs no key.
    await page.reload();
    await loaded(page);
    expect(await page.locator('dialog#key-dialog').count()).toBe(0);
    // Only the expected refusals: no key, then the wrong key (each a 401 and its console line).
    const unexpected = problems.filter((p) => !/\b401\b|status of 401/.test(p));
    expect(unexpected).toEqual([]);
    expect(problems.filter((p) => p.startsWith('HTTP 401')).length).toBe(2);
  });

  it('dark theme and a phone: readable, nothing wider than the screen', async () => {
    const dark = await visit({ app, browser, open }, '#/brand/aurora', {
      figures: true,
      colorScheme: 'dark',
    });
    const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(14, 18, 25)');
    console.log(`[screenshot] ${await screenshot(dark.page, 'brand-dark')}`);
    expect(dark.problems).toEqual([]);

    const phone = await visit({ app, browser, open }, '#/', {
      figures: true,
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    console.log(`[screenshot] ${await screenshot(phone.page, 'overview-phone')}`);
    await phone.page.goto(`${app.url}/#/brand/zephyr`);
    await loaded(phone.page);
    expect(
      await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    console.log(`[screenshot] ${await screenshot(phone.page, 'brand-phone')}`);
    expect(phone.problems).toEqual([]);
  });

  it('accessible: every control has a name, charts are described, the keyboard reaches the pages', async () => {
    for (const hash of ['#/', '#/brand/aurora', '#/compare', '#/alerts']) {
      const { page } = await visit({ app, browser, open }, hash, { figures: true });
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('button, select, input, a[href]')]
          .filter((el) => {
            const id = el.getAttribute('id');
            const byFor = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
            const name =
              el.getAttribute('aria-label') ??
              el.closest('label')?.textContent ??
              byFor?.textContent ??
              el.textContent ??
              '';
            return name.trim() === '' && !el.hasAttribute('hidden');
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unnamed, `controls without an accessible name on ${hash}`).toEqual([]);
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('[data-chart="ready"]')].map((e) => [
          e.getAttribute('role'),
          e.getAttribute('aria-label'),
        ]),
      );
      for (const [role, label] of charts) {
        expect(role).toBe('img');
        expect(label?.length).toBeGreaterThan(10);
      }
    }
    // Keyboard: the skip link comes first, then the navigation.
    const { page } = await visit({ app, browser, open }, '#/', { figures: true });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Overview');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/compare'));
  });
});
