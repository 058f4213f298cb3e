import type { Logger } from '../core/logger.ts';
import { durationText } from '../core/duration.ts';
import {
  PrintViewUnavailableError,
  type PageRequest,
  type PageResponse,
  type PdfRenderer,
} from './pdf.ts';

/**
 * A report's PDF is the dashboard itself: headless Chromium opens the web UI's print view of
 * the brand page or of the comparison (`#/report/…`, dashboards/web/src/pages/report.ts) with a
 * read key minted for this print alone, and prints it once the page says every chart has drawn.
 * Every request of that page is answered by the API in process (its `inject`), so the printed
 * numbers are the ones the API gives the dashboard, with no port, host or network involved.
 *
 * Where the web UI is not built (a bare API), the server's HTML report (reports/html.ts, the
 * same queries) is printed instead, and said in the log. Where no browser is installed, the
 * renderer's `PdfUnavailableError` goes up as is: the API answers 503 with the HTML report's
 * address, a scheduled report attaches the HTML.
 */

export interface PrintJob {
  workspace: string;
  kind: 'brand' | 'compare';
  /** The brand, or the brands of a comparison (the first is the reference). */
  brands: string[];
  from: Date;
  to: Date;
  /** The reporting time zone: the page's dates and days are in it. */
  tz: string;
  /** The chart buckets asked for (ms); absent: the page's automatic ones, as on the dashboard. */
  interval?: number | undefined;
  /** The server's HTML report of the same period, printed where the web UI is not served. */
  html: () => Promise<string>;
}

export interface ReportPrinter {
  pdf(job: PrintJob): Promise<Buffer>;
  /** Where the browser runs from (said in errors and docs). */
  readonly browserPath: string;
}

export interface ReportPrinterOptions {
  renderer: PdfRenderer;
  /** Answers the page's requests: the API that serves the web UI and `/v1`. */
  serve: (request: PageRequest) => Promise<PageResponse>;
  /** A read key of the workspace, valid for `ttlMs`, and how to revoke it after the print. */
  mintKey: (workspace: string, ttlMs: number) => { key: string; revoke: () => void };
  logger: Logger;
}

/** The print view's address (after the origin) for a job. */
export function printPath(
  job: Pick<PrintJob, 'kind' | 'brands' | 'from' | 'to' | 'interval'>,
): string {
  const range = `from=${job.from.toISOString()}&to=${job.to.toISOString()}${
    job.interval === undefined ? '' : `&interval=${durationText(job.interval)}`
  }`;
  return job.kind === 'brand'
    ? `/#/report/brand/${encodeURIComponent(job.brands[0]!)}?${range}`
    : `/#/report/compare?brands=${job.brands.map(encodeURIComponent).join(',')}&${range}`;
}

/** A print outlives no request for long: the key dies with it, or after this at the latest. */
const KEY_TTL_MS = 5 * 60_000;

export function createReportPrinter(o: ReportPrinterOptions): ReportPrinter {
  return {
    browserPath: o.renderer.browserPath,
    async pdf(job) {
      const { key, revoke } = o.mintKey(job.workspace, KEY_TTL_MS);
      try {
        return await o.renderer.printPage({
          path: printPath(job),
          serve: o.serve,
          key,
          timezoneId: job.tz,
        });
      } catch (error) {
        if (!(error instanceof PrintViewUnavailableError)) throw error;
        o.logger.warn({ event: 'report_print_view_unavailable', err: error.message });
        return await o.renderer.render(await job.html());
      } finally {
        revoke();
      }
    },
  };
}
