import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { WorkspaceConfig } from '../../core/workspace-config.ts';
import { brandReportData, compareReportData, type Report } from '../../reports/data.ts';
import { renderReport } from '../../reports/html.ts';
import { PdfUnavailableError } from '../../reports/pdf.ts';
import type { ApiContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import {
  BrandParams,
  brandOf,
  RangeQuery,
  rangeOf,
  Slug,
  timeZoneOf,
  workspaceOf,
} from '../params.ts';

/**
 * Reports to send: a brand or a comparison over a period, as a PDF that headless Chromium
 * prints from the dashboard's own print view of the brand or comparison page (reports/print.ts),
 * or the server's HTML report of the same queries (`format=html`). Where no browser is installed
 * a PDF request is a 503 `pdf_unavailable` that says why and links the HTML report.
 */

const Format = z
  .enum(['pdf', 'html'])
  .default('pdf')
  .describe('pdf (printed by headless Chromium) or html (the same report as one page)');

const BrandReportQuery = RangeQuery.extend({ format: Format }).strict();

const CompareReportQuery = RangeQuery.extend({
  format: Format,
  brands: z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((b) => b.trim())
          .filter((b) => b.length > 0),
      ),
    ])
    .pipe(z.array(Slug).min(1, 'name at least one brand').max(20, 'at most 20 brands'))
    .describe('comma-separated brand ids; the first is the reference of the verdicts'),
}).strict();

const RESPONSES = {
  200: 'application/pdf, or text/html with format=html',
  400: 'a bad parameter',
  404: 'a brand not in your workspace',
  503: 'pdf_unavailable: no Chromium on the server (details name the HTML report)',
};

type Period = ReturnType<typeof period>;

/**
 * The HTML report, or the PDF: the dashboard's print view printed by headless Chromium
 * (reports/print.ts), which reads through this API; the data for the HTML report is only
 * queried when it is what is sent (or printed, where the web UI is not built).
 */
async function send(
  ctx: ApiContext,
  reply: FastifyReply,
  job: {
    workspace: string;
    kind: 'brand' | 'compare';
    brands: string[];
    period: Period;
    /** The `interval` asked for (ms), if any: the printed charts use it too. */
    interval: number | undefined;
  },
  data: () => Promise<Report>,
  format: 'pdf' | 'html',
  name: string,
  htmlUrl: string,
): Promise<FastifyReply> {
  const html = async () => renderReport(await data(), { generatedAt: ctx.now() });
  void reply.header('Cache-Control', 'no-store');
  if (format === 'html') {
    return reply
      .type('text/html; charset=utf-8')
      .header('Content-Disposition', `inline; filename="${name}.html"`)
      .send(await html());
  }
  try {
    const pdf = await ctx.printer.pdf({
      workspace: job.workspace,
      kind: job.kind,
      brands: job.brands,
      from: job.period.from,
      to: job.period.to,
      tz: job.period.tz,
      interval: job.interval,
      html,
    });
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `attachment; filename="${name}.pdf"`)
      .send(pdf);
  } catch (error) {
    if (error instanceof PdfUnavailableError)
      throw new ApiError(
        503,
        'pdf_unavailable',
        `${error.message}; the HTML report is at ${htmlUrl}`,
        [{ parameter: 'format', message: 'use format=html', html_url: htmlUrl }],
      );
    throw error;
  }
}

/** The request's URL with format=html: where the same report is without a browser. */
function htmlUrlOf(url: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('format', 'html');
  return `${u.pathname}?${u.searchParams.toString()}`;
}

function period(ctx: ApiContext, ws: WorkspaceConfig, q: z.infer<typeof RangeQuery>) {
  const range = rangeOf(q, ctx.now(), timeZoneOf(ws));
  return {
    from: range.from,
    to: range.to,
    intervalMs: range.intervalMs,
    calendar: range.calendar,
    tz: range.tz,
    now: range.now,
  };
}

export function reportRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/reports/brands/:brand',
        tag: 'reports',
        auth: true,
        summary:
          "A brand's report for a period: KPIs vs the previous period, charts, top topics, most engaged positive and negative mentions, alerts",
        params: BrandParams,
        query: BrandReportQuery,
        responses: RESPONSES,
        produces: 'application/pdf',
      },
      async (request, reply, input) => {
        const { ws } = brandOf(ctx, request.workspaceId, input.params.brand);
        const q = input.query;
        const p = period(ctx, ws, q);
        const data = () =>
          brandReportData(
            { store: ctx.store, workspace: ws, period: p, weights: ctx.engagementWeights },
            input.params.brand,
          );
        const day = p.from.toISOString().slice(0, 10);
        return send(
          ctx,
          reply,
          {
            workspace: ws.id,
            kind: 'brand',
            brands: [input.params.brand],
            period: p,
            interval: q.interval,
          },
          data,
          q.format,
          `${input.params.brand}-report-${day}`,
          htmlUrlOf(request.url),
        );
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/reports/compare',
        tag: 'reports',
        auth: true,
        summary:
          'A comparison report for a period: the table with intervals and verdicts, share of voice and volume over time, alerts',
        query: CompareReportQuery,
        responses: RESPONSES,
        produces: 'application/pdf',
      },
      async (request, reply, input) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const q = input.query;
        for (const id of q.brands)
          if (!ws.brands.some((b) => b.id === id))
            throw new ApiError(404, 'not_found', `no brand "${id}"`);
        const p = period(ctx, ws, q);
        const data = () =>
          compareReportData(
            { store: ctx.store, workspace: ws, period: p, weights: ctx.engagementWeights },
            q.brands,
          );
        const day = p.from.toISOString().slice(0, 10);
        return send(
          ctx,
          reply,
          { workspace: ws.id, kind: 'compare', brands: q.brands, period: p, interval: q.interval },
          data,
          q.format,
          `compare-report-${day}`,
          htmlUrlOf(request.url),
        );
      },
    );
    return Promise.resolve();
  };
}
