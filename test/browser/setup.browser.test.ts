import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureUiBuilt,
  launchBrowser,
  loaded,
  type RunningApp,
  startApp,
  visit,
  type Watched,
} from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Self-serve setup in a real browser (the machine's Chromium) against `earshot start`, as a new
 * user does it without touching a file: open Settings, add a brand with a watch query (a typo
 * first, pointed at; then the live preview), save, see its first mentions arrive from the demo
 * source; edit the query; delete the brand. The screenshots are the ones docs/setup.md shows
 * (docs/images/setup-*.png, the viewport only, so they stay small).
 */
const DOCS_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

let app: RunningApp;
let browser: Browser;
let w: Watched;
const open: Watched[] = [];
let page: Page;

beforeAll(async () => {
  await ensureUiBuilt();
  // A few hours of demo history are enough here (and quick to write on a busy machine).
  [app, browser] = await Promise.all([startApp({ backfillHours: 6 }), launchBrowser()]);
  w = await visit({ app, browser, open }, '#/', { viewport: { width: 1100, height: 760 } });
  page = w.page;
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((o) => o.context.close()));
  await browser?.close();
  await app?.stop();
}, 60_000);

async function shot(name: string): Promise<void> {
  mkdirSync(DOCS_IMAGES, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(DOCS_IMAGES, `${name}.png`) });
}

async function go(hash: string): Promise<void> {
  await page.goto(`${app.url}/${hash}`);
  await loaded(page);
}

describe('self-serve setup in the browser', () => {
  it('shows Settings: the file’s brands read-only, sources, the way to the rules', async () => {
    await go('#/settings');
    const rows = page.locator('#brand-list li');
    expect(await rows.count()).toBe(3);
    expect(await page.locator('#brand-list [data-brand="aurora"]').textContent()).toContain(
      'defined in earshot.config.yaml',
    );
    expect(await page.locator('#brand-list [data-brand="aurora"] [data-edit]').count()).toBe(0);
    expect(await page.locator('#panel-brands, [data-panel="brands"]').textContent()).toContain(
      'No brands of your own yet',
    );
    expect(await page.locator('#source-table [data-source="hackernews"]').textContent()).toContain(
      'not set up',
    );
    expect(await page.locator('#rules-link').getAttribute('href')).toContain('#/alerts');
    await shot('setup-1-settings');
  });

  it('adds a brand: a query error points at its character, the preview shows matches', async () => {
    await page.click('#add-brand');
    await page.fill('#brand-name', 'Camera fans');
    await page.fill('#brand-query', 'camera OR (kamera');
    await page.waitForSelector('#query-error', { timeout: 15_000 });
    const caret = await page.locator('#query-error pre').textContent();
    // The caret sits under the end of the query, where ")" was expected.
    expect(caret!.split('\n')[1]!.length).toBe('camera OR (kamera'.length + 1);
    await shot('setup-2-query-error');

    await page.fill('#brand-query', 'camera OR kamera OR cámara');
    await page.waitForSelector('#preview-total', { timeout: 15_000 });
    const total = Number(await page.locator('#preview-total').getAttribute('data-total'));
    expect(total).toBeGreaterThan(0);
    const marks = await page.locator('#preview-samples mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    // Matching folds case and accents (a French "caméra" is a "camera"): so does the check.
    const folded = (m: string) => m.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (const m of marks) expect(folded(m)).toMatch(/^(camera|kamera|camara)$/);
    await page.locator('#brand-form').scrollIntoViewIfNeeded();
    await shot('setup-3-preview');
  });

  it('saves it: the brand page shows its query, then its first mentions from the demo', async () => {
    // Only what arrives from now on: the mentions that come are the live demo's.
    await page.selectOption('#brand-rematch', '0');
    await page.click('#brand-save');
    await page.waitForURL(/#\/brand\/camera-fans/, { timeout: 15_000 });
    await loaded(page);
    expect(await page.locator('#brand-query-shown').textContent()).toBe(
      'camera OR kamera OR cámara',
    );
    expect(await page.locator('#no-mentions').textContent()).toMatch(
      /No mentions yet: the query matches (about )?\d+ stored mentions?/,
    );
    await shot('setup-4-new-brand');
    // The demo emits a few mentions a minute, a sixth of them about a camera.
    await waitFor(
      async () => {
        await page.reload();
        await loaded(page);
        // The explanation of an empty brand goes when the period has a mention.
        return (await page.locator('#no-mentions').count()) === 0;
      },
      { timeoutMs: 150_000, intervalMs: 5_000, what: 'the first mentions of the new brand' },
    );
    const text = (await page.locator('main').textContent())!.toLowerCase();
    expect(text).toMatch(/camera|kamera|cámara/);
    await shot('setup-5-first-mentions');
  });

  it('edits the query: the preview compares with the query in force, and it applies', async () => {
    await go('#/settings');
    await page.click('[data-edit="camera-fans"]');
    await page.fill('#brand-query', 'camera OR kamera OR cámara OR battery OR akku');
    await page.waitForSelector('#preview-gained li', { timeout: 15_000 });
    expect(await page.locator('#preview-total').textContent()).toContain('(now:');
    await page.locator('#brand-form').scrollIntoViewIfNeeded();
    await shot('setup-6-edit');
    await page.selectOption('#brand-rematch', '1');
    await page.click('#brand-save');
    await page.waitForURL(/#\/brand\/camera-fans/, { timeout: 60_000 });
    await loaded(page);
    expect(await page.locator('#brand-query-shown').textContent()).toBe(
      'camera OR kamera OR cámara OR battery OR akku',
    );
  });

  it('deletes the brand after a confirmation', async () => {
    await go('#/settings');
    await page.click('[data-delete="camera-fans"]');
    await page.waitForSelector('#delete-dialog[open]');
    await shot('setup-7-delete');
    await page.click('#delete-confirm');
    await waitFor(async () => (await page.locator('[data-brand="camera-fans"]').count()) === 0, {
      timeoutMs: 15_000,
      what: 'the brand to leave the list',
    });
    await go('#/brand/camera-fans');
    expect(await page.locator('main').textContent()).toContain('There is no brand');
  });
});
