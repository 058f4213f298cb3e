import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { waitFor } from './wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/** The machine's Chromium (Debian's `chromium` package): no browser download in tests. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningApp {
  url: string;
  key: string;
  stop(): Promise<void>;
}

/**
 * `earshot start` as a user runs it, in a child process with its own data directory, a random
 * demo key and 72 h of demo history. `EARSHOT_BROWSER_URL` (+ `EARSHOT_BROWSER_KEY`) points the
 * tests at a server that is already running instead (a staging deployment, a dev server).
 */
export async function startApp(options: { backfillHours?: number } = {}): Promise<RunningApp> {
  const hours = options.backfillHours ?? 72;
  if (process.env.EARSHOT_BROWSER_URL)
    return {
      url: process.env.EARSHOT_BROWSER_URL.replace(/\/$/, ''),
      key: process.env.EARSHOT_BROWSER_KEY ?? '',
      stop: () => Promise.resolve(),
    };
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-browser-'));
  const key = `test-${randomBytes(12).toString('hex')}`;
  const child: ChildProcess = spawn(process.execPath, ['bin/earshot.js', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      CHDB_PATH: join(dataDir, 'chdb'),
      // The demo's default history. The alert test needs it: the seasonal baseline (same hour
      // of earlier days) has too few samples with only a day of history, and never fires.
      DEMO_BACKFILL_HOURS: String(hours),
      EARSHOT_DEMO_API_KEY: key,
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
      EARSHOT_CONFIG: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor(
      () => child.exitCode === null && /earshot is running at (http:\/\/\S+)/.exec(output)?.[1],
      {
        timeoutMs: 90_000,
        what: 'the start banner',
      },
    );
    // The backfill is written in the background: wait until the last brand has (nearly) every
    // hour of the 72, so pages and the alert baseline see the whole history.
    await waitFor(
      async () => {
        const res = await fetch(`${url}/v1/brands/zephyr/health?from=now-${hours}h&interval=1h`, {
          headers: { authorization: `Bearer ${key}` },
        });
        if (!res.ok) return false;
        const body = (await res.json()) as { series: { volume: number }[] };
        return body.series.filter((p) => p.volume > 0).length >= Math.floor(hours * 0.95);
      },
      { timeoutMs: 180_000, intervalMs: 1_000, what: 'the demo backfill' },
    );
    return { url, key, stop };
  } catch (error) {
    await stop();
    throw new Error(
      `earshot start did not get ready: ${(error as Error).message}\n--- its output ---\n${output.slice(-3000)}`,
      { cause: error },
    );
  }
}

/** Builds the UI when the build is missing (a fresh checkout where `npm ci` ran with --ignore-scripts). */
export async function ensureUiBuilt(): Promise<void> {
  if (existsSync(join(ROOT, 'dashboards/web/dist/index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'dashboards/web/vite.config.ts'), logLevel: 'warn' });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  // Playwright gives each launch a fresh temporary profile (--user-data-dir); the flags keep
  // Chromium off the network it would otherwise call home on.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and failed requests (4xx/5xx) seen so far. */
  problems: string[];
}

export async function openPage(
  browser: Browser,
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    isMobile?: boolean;
    /** The reader's locale and time zone (times are shown in them). */
    locale?: string;
    timezoneId?: string;
  } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    viewport: options.viewport ?? { width: 1366, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    isMobile: options.isMobile ?? false,
    hasTouch: options.isMobile ?? false,
    deviceScaleFactor: options.isMobile ? 2 : 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, page, problems };
}

/** What a browser test file holds: the running app, the browser, the pages it opened. */
export interface BrowserSession {
  app: RunningApp;
  browser: Browser;
  /** Closed by the file's afterAll. */
  open: Watched[];
}

/**
 * A new page signed in as a user is: the first load carries the key the way the demo prints
 * its link (`#key=…`, which the page keeps and removes from the address), then `hash` (a deep
 * link, which works once the key is kept). `figures`: print how long each load took to draw.
 */
export async function visit(
  session: BrowserSession,
  hash = '#/',
  options: Parameters<typeof openPage>[1] & { figures?: boolean } = {},
): Promise<Watched> {
  const { figures, ...pageOptions } = options;
  const w = await openPage(session.browser, pageOptions);
  session.open.push(w);
  const started = Date.now();
  await w.page.goto(`${session.app.url}/#key=${session.app.key}`);
  await loaded(w.page);
  if (figures && hash === '#/')
    console.log(`[figure] ${hash} drawn ${Date.now() - started} ms after navigation (cold)`);
  expect(new URL(w.page.url()).hash).not.toContain('key=');
  if (hash !== '#/') {
    const t0 = Date.now();
    await w.page.goto(`${session.app.url}/${hash}`);
    await loaded(w.page);
    if (figures) console.log(`[figure] ${hash} drawn ${Date.now() - t0} ms after navigation`);
  }
  return w;
}

/** Clicks `selector` and returns the file the page hands to the browser, with its name. */
export async function download(
  page: Page,
  selector: string,
): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** Waits until the page says it finished drawing (`body[data-loaded=true]`). */
export async function loaded(page: Page): Promise<void> {
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Let chart animations settle so the picture shows the data, not a transition.
  await page.waitForTimeout(600);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Number of data points a chart drew (the UI writes it to `data-points`). */
export async function chartPoints(page: Page, selector: string): Promise<number> {
  const el = page
    .locator(`${selector} [data-chart="ready"], ${selector}[data-chart="ready"]`)
    .first();
  await el.waitFor({ state: 'attached', timeout: 15_000 });
  return Number(await el.getAttribute('data-points'));
}
