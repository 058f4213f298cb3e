import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureUiBuilt,
  launchBrowser,
  loaded,
  type RunningApp,
  screenshot,
  startApp,
  visit,
  type Watched,
} from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

// Callbacks of page.waitForFunction run in the browser; this file is type-checked without the
// DOM library, so the few globals they use are declared here.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
};

/**
 * The Alerts page's rules and cards in Chromium against `earshot start` on the demo, first
 * start: the planted Nimbus spike is there (historical) and on its overview card; a person
 * creates, edits, disables and deletes a rule; the file's rules are read-only; a bad field
 * shows the API's message at that field; two rules that fire on one incident are one card.
 * Every change is checked through the API as well as on the page.
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

const api = async <T>(method: string, path: string, body?: unknown): Promise<[number, T]> => {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${app.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return [res.status, (await res.json().catch(() => null)) as T];
};

interface ApiRule {
  id: string;
  origin: string;
  window: string;
  sensitivity: string | number;
  enabled: boolean;
}
const apiRule = async (id: string): Promise<ApiRule | undefined> =>
  (await api<{ rules: ApiRule[] }>('GET', '/v1/alert-rules'))[1].rules.find((r) => r.id === id);

const row = (page: Page, id: string) => page.locator(`tr[data-rule="${id}"]`);
/** Columns after the rule's own cell: brand, type, window, sensitivity, channels, enabled. */
const cell = (page: Page, id: string, column: number) => row(page, id).locator('td').nth(column);

describe('alert rules and cards in Chromium', () => {
  it('first start: the planted Nimbus spike is in Alerts (historical, naming its rule) and on its overview card', async () => {
    const locale = 'de-DE';
    const timezoneId = 'Europe/Berlin';
    // The evaluator replays the stored history a tick after the backfill's data start held
    // still: within about two minutes of the start.
    await waitFor(
      async () =>
        (
          await api<{ alerts: Array<{ historical: boolean }> }>('GET', '/v1/alerts?brand=nimbus')
        )[1].alerts.some((a) => a.historical),
      { timeoutMs: 180_000, intervalMs: 2_000, what: 'the historical Nimbus alert' },
    );
    const { page, problems } = await visit({ app, browser, open }, '#/alerts', {
      locale,
      timezoneId,
    });
    const planted = page.locator('.alert-item', { has: page.locator('.state-historical') });
    await planted.first().waitFor({ timeout: 10_000 });
    expect(await planted.count()).toBe(1);
    expect(await planted.locator('h3').textContent()).toContain('Nimbus');
    expect(await planted.locator('.alert-rules').textContent()).toContain(
      'rule nimbus-negative-spike',
    );
    // Opened: relative and absolute, in the reader's locale and time zone.
    const time = planted.locator('.alert-head time').first();
    const iso = (await time.getAttribute('datetime'))!;
    const expected = new Date(iso).toLocaleString(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: timezoneId,
    });
    expect(await time.textContent()).toMatch(/^\d+ h ago \(/);
    expect(await time.textContent()).toContain(`(${expected})`);
    await page.goto(`${app.url}/#/`);
    await loaded(page);
    const badges = page.locator('.brand-card[data-brand="nimbus"] .badge');
    expect(await badges.allTextContents()).toEqual(['1 alert in this period']);
    expect(await page.locator('.brand-card[data-brand="aurora"] .badge').textContent()).toBe(
      'No open alerts',
    );
    console.log(`[screenshot] ${await screenshot(page, 'overview-planted-alert')}`);
    expect(problems).toEqual([]);
  }, 240_000);

  it('a rule of the config file is shown read-only', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/alerts');
    const fromFile = row(page, 'nimbus-negative-spike');
    await fromFile.waitFor();
    expect(await fromFile.getAttribute('data-origin')).toBe('config');
    expect(await fromFile.locator('th').textContent()).toContain('defined in earshot.config.yaml');
    for (const action of ['edit', 'toggle', 'delete'])
      expect(await fromFile.locator(`[data-action="${action}"]`).count()).toBe(0);
    expect(await fromFile.locator('[data-action="backtest"]').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('create a rule; a bad field shows the API’s message at that field', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/alerts');
    await page.click('#new-rule');
    await page.fill('#rule-id', 'aurora-volume-ui');
    await page.selectOption('#rule-brand', 'aurora');
    await page.selectOption('#rule-type', 'volume_spike');
    await page.fill('#rule-window', '2 hours');
    await page.click('.rule-form button[type="submit"]');
    const error = page.locator('#rule-window-error');
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await error.textContent()).toBe('use a duration like 15m, 1h or 1d');
    expect(await page.getAttribute('#rule-window', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#rule-window', 'aria-describedby')).toBe('rule-window-error');
    // Only that field is marked.
    expect(await page.locator('.rule-form [aria-invalid="true"]').count()).toBe(1);
    expect(await apiRule('aurora-volume-ui')).toBeUndefined();
    console.log(`[screenshot] ${await screenshot(page, 'rule-form-error')}`);

    await page.fill('#rule-window', '1h');
    await page.selectOption('#rule-sensitivity', 'low');
    await page.click('.rule-form button[type="submit"]');
    await row(page, 'aurora-volume-ui').waitFor({ timeout: 10_000 });
    expect(await page.locator('.rule-form').count()).toBe(0);
    expect(await row(page, 'aurora-volume-ui').getAttribute('data-origin')).toBe('api');
    expect(await cell(page, 'aurora-volume-ui', 2).textContent()).toBe('60m');
    expect(await apiRule('aurora-volume-ui')).toMatchObject({
      origin: 'api',
      window: '60m',
      sensitivity: 'low',
      enabled: true,
    });
    // The refused attempt is the one failed request (its response and its console line).
    expect(problems.filter((p) => p.startsWith('HTTP '))).toEqual([
      `HTTP 400 POST ${app.url}/v1/alert-rules`,
    ]);
    expect(problems.filter((p) => !/\b400\b/.test(p))).toEqual([]);
  });

  it('edit it: only what changed is sent; a cleared field goes back to the default', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/alerts');
    await row(page, 'aurora-volume-ui').locator('[data-action="edit"]').click();
    expect(await page.inputValue('#rule-id')).toBe('aurora-volume-ui');
    expect(await page.getAttribute('#rule-id', 'readonly')).not.toBeNull();
    expect(await page.inputValue('#rule-window')).toBe('60m');
    await page.fill('#rule-window', '30m');
    await page.selectOption('#rule-sensitivity', '');
    await page.click('.rule-form button[type="submit"]');
    await page.waitForFunction(
      () =>
        document.querySelector('tr[data-rule="aurora-volume-ui"] td:nth-of-type(3)')
          ?.textContent === '30m',
      null,
      { timeout: 10_000 },
    );
    // The demo's `alerts.defaults` sensitivity is low… and cleared means "the default".
    expect(await apiRule('aurora-volume-ui')).toMatchObject({ window: '30m', sensitivity: 'low' });
    await row(page, 'aurora-volume-ui').locator('[data-action="edit"]').click();
    await page.selectOption('#rule-sensitivity', 'high');
    await page.click('.rule-form button[type="submit"]');
    await page.waitForFunction(
      () =>
        document.querySelector('tr[data-rule="aurora-volume-ui"] td:nth-of-type(4)')
          ?.textContent === 'high',
      null,
      { timeout: 10_000 },
    );
    expect(await apiRule('aurora-volume-ui')).toMatchObject({ window: '30m', sensitivity: 'high' });
    expect(problems).toEqual([]);
  });

  it('disable it, and enable it again', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/alerts');
    await row(page, 'aurora-volume-ui').locator('[data-action="toggle"]').click();
    await page.locator('tr[data-rule="aurora-volume-ui"][data-enabled="false"]').waitFor();
    expect(await cell(page, 'aurora-volume-ui', 5).textContent()).toBe('no');
    expect((await apiRule('aurora-volume-ui'))?.enabled).toBe(false);
    expect(
      await row(page, 'aurora-volume-ui').locator('[data-action="toggle"]').textContent(),
    ).toBe('Enable');
    await row(page, 'aurora-volume-ui').locator('[data-action="toggle"]').click();
    await page.locator('tr[data-rule="aurora-volume-ui"][data-enabled="true"]').waitFor();
    expect((await apiRule('aurora-volume-ui'))?.enabled).toBe(true);
    // Switched off for good, and so after a reload too.
    await row(page, 'aurora-volume-ui').locator('[data-action="toggle"]').click();
    await page.locator('tr[data-rule="aurora-volume-ui"][data-enabled="false"]').waitFor();
    await page.reload();
    await loaded(page);
    expect(await row(page, 'aurora-volume-ui').getAttribute('data-enabled')).toBe('false');
    expect(problems).toEqual([]);
  });

  it('delete it, after a confirmation (cancel keeps it)', async () => {
    const { page, problems } = await visit({ app, browser, open }, '#/alerts');
    const dialog = page.locator('dialog#confirm-delete');
    await row(page, 'aurora-volume-ui').locator('[data-action="delete"]').click();
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Delete rule aurora-volume-ui?');
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await apiRule('aurora-volume-ui')).toBeDefined();
    expect(await row(page, 'aurora-volume-ui').count()).toBe(1);

    await row(page, 'aurora-volume-ui').locator('[data-action="delete"]').click();
    await dialog.locator('[data-action="confirm"]').click();
    await row(page, 'aurora-volume-ui').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await apiRule('aurora-volume-ui')).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('two rules that fire on one incident (same brand and type, overlapping windows) are one card naming both, acknowledged together', async () => {
    // A second negative-spike rule for Zephyr, made in the page, beside the file's.
    const { page, problems } = await visit({ app, browser, open }, '#/alerts');
    await page.click('#new-rule');
    await page.fill('#rule-id', 'zephyr-complaints');
    await page.selectOption('#rule-brand', 'zephyr');
    await page.selectOption('#rule-type', 'negative_spike');
    await page.click('.rule-form button[type="submit"]');
    await row(page, 'zephyr-complaints').waitFor({ timeout: 10_000 });

    // A complaint storm about Zephyr in the last minutes, through the public webhook.
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
      id: `webhook:rules-ui-${now}-${i}`,
      source: 'webhook',
      text: `${openers[i % openers.length]!}, ${closers[(i * 7) % closers.length]!}. Ticket ${1000 + i * 37}.`,
      created_at: new Date(now - 60_000 - (i % 120) * 1_000).toISOString(),
      author: { id: `storm-${i}`, handle: `angry_${i}` },
    }));
    const [status] = await api('POST', '/v1/ingest', storm);
    expect(status).toBe(202);
    type Incident = {
      id: string;
      rule_id: string;
      why: { window_end: string; window_minutes: number } | null;
    };
    const both = await waitFor(
      async () => {
        const [, body] = await api<{ alerts: Incident[] }>(
          'GET',
          '/v1/alerts?state=active&brand=zephyr',
        );
        const byRule = new Map(body.alerts.map((a) => [a.rule_id, a]));
        const a = byRule.get('zephyr-negative-spike');
        const b = byRule.get('zephyr-complaints');
        return a && b ? ([a, b] as const) : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2_000, what: 'alerts of both Zephyr rules' },
    );
    // Two incidents in the API, over overlapping windows (rules are judged one after another,
    // so they may open a minute apart)…
    const span = (i: Incident) => {
      const end = Date.parse(i.why!.window_end);
      return [end - i.why!.window_minutes * 60_000, end] as const;
    };
    const [a, b] = both.map(span) as [readonly [number, number], readonly [number, number]];
    expect(both[0].id).not.toBe(both[1].id);
    expect(a[0] < b[1] && b[0] < a[1]).toBe(true);
    // …one card on the page, naming both rules.
    await page.reload();
    await loaded(page);
    const cards = page.locator('.alert-item', { hasText: 'Zephyr' });
    expect(await cards.count()).toBe(1);
    const named = await cards.locator('.alert-rules').textContent();
    expect(named).toMatch(/^ rules (zephyr-negative-spike|zephyr-complaints), \S+ · $/);
    expect(named).toContain('zephyr-negative-spike');
    expect(named).toContain('zephyr-complaints');
    console.log(`[screenshot] ${await screenshot(page, 'alerts-two-rules-one-card')}`);
    // One card, one acknowledgement: both rules' alerts are acknowledged.
    await cards.locator('.ack-button').click();
    await cards.locator('.acked').waitFor({ timeout: 10_000 });
    const [, after] = await api<{ alerts: Array<{ id: string; acked_at: string | null }> }>(
      'GET',
      '/v1/alerts?brand=zephyr',
    );
    for (const incident of both)
      expect(after.alerts.find((x) => x.id === incident.id)?.acked_at).toEqual(expect.any(String));
    expect(problems).toEqual([]);
  }, 300_000);
});
