import { access, constants } from 'node:fs/promises';
import type { Browser } from 'playwright-core';

/**
 * HTML → PDF through headless Chromium (playwright-core driving the machine's browser, Debian's
 * `chromium` by default: no browser download at install or run time). One browser is started at
 * the first report and kept for the next ones; at most `concurrency` pages print at once, so a
 * burst of report requests cannot start a Chromium each. Where no browser is installed, every
 * call fails with a `PdfUnavailableError` that says which path was tried and how to fix it; the
 * API then points to the HTML report.
 */

// Browser globals of the callbacks that run in the page (this file is checked without DOM).
declare const document: { body: { dataset: Record<string, string | undefined> } };
declare const localStorage: { setItem(key: string, value: string): void };

export class PdfUnavailableError extends Error {
  readonly code = 'pdf_unavailable';
}

export interface PdfRendererOptions {
  /** `REPORTS_BROWSER_PATH`: the Chromium executable. */
  browserPath: string;
  /** Pages printing at once (more wait). */
  concurrency?: number;
  /** A render that takes longer fails (a stuck browser must not hold a request forever). */
  timeoutMs?: number;
}

/** One request of the printed page, answered in process (the API's own `inject`). */
export interface PageRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}
export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PrintPageOptions {
  /** The address after the origin: `/#/report/brand/acme?from=…&to=…`. */
  path: string;
  /** Answers every request of the page: the UI's files and the API routes it calls. */
  serve: (request: PageRequest) => Promise<PageResponse>;
  /** The API key the page reads with (put in its storage before its first script runs). */
  key: string;
  /** The page's time zone (days and dates as the report's). */
  timezoneId?: string;
}

/** The page loaded but is not a print view (no web UI built): print the HTML report instead. */
export class PrintViewUnavailableError extends Error {
  readonly code = 'print_view_unavailable';
}

export interface PdfRenderer {
  readonly browserPath: string;
  /** A self-contained HTML page (the server's HTML report) to PDF. */
  render(html: string): Promise<Buffer>;
  /** A page of the web UI to PDF, once it says it is ready (`<body data-report="ready">`). */
  printPage(o: PrintPageOptions): Promise<Buffer>;
  close(): Promise<void>;
}

/** Where the printed page believes it is: never resolved, every request is answered in process. */
export const PRINT_ORIGIN = 'http://earshot.print';
/** A4's printable width at 96 dpi with 12 mm margins (186 mm): the charts are drawn at it. */
const PRINT_WIDTH_PX = 703;

export function createPdfRenderer(o: PdfRendererOptions): PdfRenderer {
  let browser: Promise<Browser> | null = null;
  let active = 0;
  const waiting: Array<() => void> = [];
  const limit = o.concurrency ?? 2;
  const timeout = o.timeoutMs ?? 60_000;

  const launch = async (): Promise<Browser> => {
    try {
      await access(o.browserPath, constants.X_OK);
    } catch {
      throw new PdfUnavailableError(
        `PDF reports need Chromium, and there is none at ${o.browserPath}: install it (Debian: apt-get install chromium) or set REPORTS_BROWSER_PATH`,
      );
    }
    try {
      // Loaded at the first report: every process that serves the API must not pay for it.
      const { chromium } = await import('playwright-core');
      const b = await chromium.launch({
        executablePath: o.browserPath,
        timeout,
        // Off the network Chromium would otherwise call home on; no GPU on a server.
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      // A browser that dies is started again at the next report.
      b.on('disconnected', () => {
        browser = null;
      });
      return b;
    } catch (error) {
      throw new PdfUnavailableError(
        `Chromium at ${o.browserPath} did not start: ${(error as Error).message.split('\n')[0]}`,
        { cause: error },
      );
    }
  };

  const slot = async (): Promise<() => void> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    return () => {
      active--;
      waiting.shift()?.();
    };
  };

  const started = (): Promise<Browser> =>
    (browser ??= launch().catch((error: unknown) => {
      browser = null;
      throw error;
    }));

  return {
    browserPath: o.browserPath,
    async printPage(p) {
      const release = await slot();
      try {
        const b = await started();
        const context = await b.newContext({
          colorScheme: 'light',
          locale: 'en-US',
          viewport: { width: PRINT_WIDTH_PX, height: 1000 },
          ...(p.timezoneId ? { timezoneId: p.timezoneId } : {}),
        });
        try {
          await context.addInitScript((key: string) => {
            localStorage.setItem('earshot.key', key);
          }, p.key);
          // Every request is answered by the API in process; anything else (a mention's image,
          // a link) is refused: the print never reaches the network.
          await context.route('**/*', async (route) => {
            const req = route.request();
            const url = new URL(req.url());
            if (url.origin !== PRINT_ORIGIN) return route.abort();
            const res = await p.serve({
              method: req.method(),
              url: `${url.pathname}${url.search}`,
              headers: await req.allHeaders(),
              body: req.postDataBuffer() ?? undefined,
            });
            await route.fulfill({ status: res.status, headers: res.headers, body: res.body });
          });
          const page = await context.newPage();
          page.setDefaultTimeout(timeout);
          const problems: string[] = [];
          page.on('pageerror', (e) => problems.push(e.message));
          await page.emulateMedia({ media: 'print' });
          const doc = await page.goto(`${PRINT_ORIGIN}${p.path}`, { waitUntil: 'load' });
          if (!doc || doc.status() !== 200 || !/html/.test(doc.headers()['content-type'] ?? ''))
            throw new PrintViewUnavailableError(
              `the web UI is not served here (GET / answered ${doc?.status() ?? 'nothing'}): build it with npm run build:ui`,
            );
          // The page's own marker: set when its data is in and every chart has drawn.
          const state = await page
            .waitForFunction(
              () => {
                const d = document.body.dataset;
                if (d.report === 'ready' || d.report === 'error') return d.report;
                // A web UI built before the print view existed shows its overview instead.
                return d.loaded === 'true' && d.page !== 'report' ? 'not_a_print_view' : false;
              },
              undefined,
              { timeout },
            )
            .then((h) => h.jsonValue())
            .catch((error: unknown) => {
              throw new Error(
                `the report page did not get ready in ${timeout} ms${problems.length ? ` (${problems.join('; ')})` : ''}`,
                { cause: error },
              );
            });
          if (state === 'not_a_print_view')
            throw new PrintViewUnavailableError(
              'the web UI served here has no print view (built before it): rebuild it with npm run build:ui',
            );
          if (state !== 'ready')
            throw new Error(
              `the report page failed: ${await page.evaluate(() => document.body.dataset.reportError ?? 'unknown error')}`,
            );
          return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
        } finally {
          await context.close();
        }
      } finally {
        release();
      }
    },
    async render(html) {
      const release = await slot();
      try {
        const b = await started();
        const context = await b.newContext({ javaScriptEnabled: false });
        try {
          const page = await context.newPage();
          // The page is self-contained: any request it would make is refused, not fetched.
          await page.route('**/*', (route) =>
            route.request().url().startsWith('data:') ? route.continue() : route.abort(),
          );
          page.setDefaultTimeout(timeout);
          await page.setContent(html, { waitUntil: 'load' });
          return await page.pdf({ format: 'A4', printBackground: true });
        } finally {
          await context.close();
        }
      } finally {
        release();
      }
    },
    async close() {
      const b = browser;
      browser = null;
      if (b) await (await b.catch(() => null))?.close();
    },
  };
}
