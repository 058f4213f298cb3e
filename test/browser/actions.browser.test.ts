import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureUiBuilt,
  launchBrowser,
  type RunningApp,
  screenshot,
  startApp,
  visit,
  type Watched,
} from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The mention actions in a real browser (the machine's Chromium) against the embedded demo, as
 * an analyst uses them: correct a sentiment, tag and filter by the tag, hide and bring back,
 * mute an author and unmute it from the list, bookmark. Each action is checked where it
 * counts: the brand's numbers from the API over a fixed past window (the demo keeps streaming
 * into the present), before and after.
 */
let app: RunningApp;
let browser: Browser;
const open: Watched[] = [];

// A past window the demo no longer writes into: its numbers change only through the actions.
const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const FROM = new Date(hour - 30 * 3_600_000).toISOString();
const TO = new Date(hour - 26 * 3_600_000).toISOString();
const BRAND = 'nimbus';

beforeAll(async () => {
  await ensureUiBuilt();
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((w) => w.context.close()));
  await browser?.close();
  await app?.stop();
}, 60_000);

/** The brand's page over the fixed window (with `query` added), once its feed is drawn. */
async function feedPage(query = ''): Promise<Watched> {
  const w = await visit({ app, browser, open }, `#/brand/${BRAND}?from=${FROM}&to=${TO}${query}`);
  await w.page.locator('.feed > li.mention').first().waitFor();
  return w;
}

interface Totals {
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
}

async function totals(): Promise<Totals> {
  const res = await fetch(
    `${app.url}/v1/brands/${BRAND}/health?from=${FROM}&to=${TO}&interval=1h`,
    { headers: { authorization: `Bearer ${app.key}`, 'cache-control': 'no-cache' } },
  );
  const body = (await res.json()) as { totals: Totals };
  const { volume, positive, neutral, negative } = body.totals;
  return { volume, positive, neutral, negative };
}

/** Until the API's numbers are `want` (its answers are cached for a few seconds). */
async function expectTotals(want: Totals): Promise<void> {
  let last: Totals | null = null;
  try {
    await waitFor(
      async () => {
        last = await totals();
        return JSON.stringify(last) === JSON.stringify(want);
      },
      { timeoutMs: 15_000, intervalMs: 500, what: 'the brand numbers' },
    );
  } catch {
    expect(last).toEqual(want);
  }
}

const mentions = (page: Page) => page.locator('.feed > li.mention');

describe('mention actions in Chromium', () => {
  it('correct: the mention shows "corrected" and moves from one class to another in the numbers', async () => {
    const { page, problems } = await feedPage('&sentiment=pos');
    const before = await totals();
    const first = mentions(page).first();
    const id = await first.getAttribute('data-mention');
    await first.locator('select.correct').selectOption('neg');
    const redrawn = page.locator(`.feed > li.mention[data-mention="${id}"]`);
    await redrawn.locator('.tag.corrected').waitFor();
    expect(await redrawn.getAttribute('data-corrected')).toBe('neg');
    expect(await redrawn.locator('.sentiment').first().textContent()).toContain('negative');
    await expectTotals({
      ...before,
      positive: before.positive - 1,
      negative: before.negative + 1,
    });
    // Corrected again, then back to the model's: the numbers end where they started.
    await redrawn.locator('select.correct').selectOption('neu');
    await expectTotals({ ...before, positive: before.positive - 1, neutral: before.neutral + 1 });
    await page
      .locator(`.feed > li.mention[data-mention="${id}"] select.correct`)
      .selectOption('model');
    await page.locator(`.feed > li.mention[data-mention="${id}"]:not([data-corrected])`).waitFor();
    await expectTotals(before);
    console.log(`[screenshot] ${await screenshot(page, 'feed-actions')}`);
    expect(problems).toEqual([]);
  });

  it('tag, then filter the feed by the tag', async () => {
    const { page, problems } = await feedPage();
    const second = mentions(page).nth(1);
    const id = await second.getAttribute('data-mention');
    await second.locator('button.tag-add').click();
    await second.locator('input.tag-input').fill('Follow-up');
    await second.locator('input.tag-input').press('Enter');
    const chip = page.locator(
      `.feed > li.mention[data-mention="${id}"] .tag-chip[data-tag="follow-up"]`,
    );
    await chip.waitFor();
    await page.fill('#filter-tag', 'follow-up');
    await page.press('#filter-tag', 'Enter');
    await page.waitForFunction(() => location.hash.includes('tag=follow-up'));
    await waitFor(async () => (await mentions(page).count()) === 1, { what: 'the tagged feed' });
    expect(await mentions(page).first().getAttribute('data-mention')).toBe(id);
    expect(problems).toEqual([]);
  });

  it('hide takes a mention out of the feed and the numbers; the Hidden filter brings it back', async () => {
    const { page, problems } = await feedPage();
    const before = await totals();
    const third = mentions(page).nth(2);
    const id = await third.getAttribute('data-mention');
    await third.locator('button.hide').click();
    await page.locator(`.feed > li.mention[data-mention="${id}"]`).waitFor({ state: 'detached' });
    await expectTotals({ ...(await totalsWithout(before, id!)) });
    await page.check('#filter-hidden');
    await page.waitForFunction(() => location.hash.includes('hidden=true'));
    const hidden = page.locator(`.feed > li.mention[data-mention="${id}"]`);
    await hidden.waitFor();
    await hidden.locator('button.hide').click();
    await hidden.waitFor({ state: 'detached' });
    await expectTotals(before);
    expect(problems).toEqual([]);
  });

  it('mute an author: every mention of theirs leaves; unmuted from the Muted list, they come back', async () => {
    const { page, problems } = await feedPage();
    const before = await totals();
    const item = mentions(page).first();
    const author = await item.getAttribute('data-author');
    expect(author).toBeTruthy();
    await item.locator('button.mute-author').click();
    await waitFor(
      async () => (await page.locator(`.feed > li.mention[data-author="${author}"]`).count()) === 0,
      { what: "the author's mentions to leave" },
    );
    await waitFor(async () => (await totals()).volume < before.volume, {
      timeoutMs: 15_000,
      what: 'the volume to drop',
    });
    await page.click('a[href^="#/muted"]');
    await page.waitForFunction(() => location.hash.startsWith('#/muted'));
    const row = page.locator(`.mute-list li[data-mute="author:${author}"]`);
    await row.waitFor();
    console.log(`[screenshot] ${await screenshot(page, 'muted')}`);
    await row.locator('button.unmute').click();
    await row.waitFor({ state: 'detached' });
    await expectTotals(before);
    expect(problems).toEqual([]);
  });

  it('bookmark: the star is pressed and the Bookmarked filter shows it', async () => {
    const { page, problems } = await feedPage();
    const fourth = mentions(page).nth(3);
    const id = await fourth.getAttribute('data-mention');
    await fourth.locator('button.bookmark').click();
    const star = page.locator(`.feed > li.mention[data-mention="${id}"] button.bookmark`);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true',
      `.feed > li.mention[data-mention="${id}"] button.bookmark`,
    );
    expect(await star.textContent()).toContain('Bookmarked');
    await page.check('#filter-bookmarked');
    await page.waitForFunction(() => location.hash.includes('bookmarked=true'));
    await waitFor(async () => (await mentions(page).count()) === 1, { what: 'the bookmarks' });
    expect(await mentions(page).first().getAttribute('data-mention')).toBe(id);
    expect(problems).toEqual([]);
  });
});

/** The totals without one mention, by its label as the API gives it. */
async function totalsWithout(before: Totals, id: string): Promise<Totals> {
  const res = await fetch(
    `${app.url}/v1/brands/${BRAND}/mentions?from=${FROM}&to=${TO}&hidden=true&limit=200`,
    { headers: { authorization: `Bearer ${app.key}` } },
  );
  const body = (await res.json()) as {
    mentions: Array<{ id: string; sentiment: { label: string } }>;
  };
  const label = body.mentions.find((m) => m.id === id)?.sentiment.label;
  const key = label === 'pos' ? 'positive' : label === 'neg' ? 'negative' : 'neutral';
  return { ...before, volume: before.volume - 1, [key]: before[key] - 1 };
}

declare const document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
};
declare const location: { hash: string };
