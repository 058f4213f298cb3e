import { access, constants } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';

/**
 * HTML → PDF through headless Chromium (playwright-core driving the machine's browser, Debian's
 * `chromium` by default: no browser download at install or run time). One browser is started at
 * the first report and kept for the next ones; at most `concurrency` pages print at once, so a
 * burst of report requests cannot start a Chromium each. Where no browser is installed, every
 * call fails with a `PdfUnavailableError` that says which path was tried and how to fix it; the
 * API then points to the HTML report.
 */

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

export interface PdfRenderer {
  readonly browserPath: string;
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

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

  return {
    browserPath: o.browserPath,
    async render(html) {
      const release = await slot();
      try {
        browser ??= launch().catch((error: unknown) => {
          browser = null;
          throw error;
        });
        const b = await browser;
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
