import { readFileSync } from 'node:fs';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import type { Logger } from '../core/logger.ts';
import { metrics } from '../core/metrics.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { DEFAULT_ENGAGEMENT_WEIGHTS, type EngagementWeights } from '../store/queries/metrics.ts';
import { createAuth, PrintKeys, type KeyChanges } from './auth.ts';
import { ResultCache } from './cache.ts';
import { frameworkErrors, installErrorHandler } from './errors.ts';
import type { RouteSpec } from './openapi.ts';
import type { SetupPort } from './setup-port.ts';
import { brandRoutes } from './routes/brands.ts';
import { compareRoutes } from './routes/compare.ts';
import { exportRoutes } from './routes/export.ts';
import { reportRoutes } from './routes/reports.ts';
import { reportScheduleRoutes } from './routes/report-schedules.ts';
import { createPdfRenderer, type PageRequest, type PdfRenderer } from '../reports/pdf.ts';
import { createReportPrinter, type ReportPrinter } from '../reports/print.ts';
import { actionRoutes } from './routes/actions.ts';
import { systemRoutes } from './routes/system.ts';

export interface ApiDependencies {
  store: Store;
  /** The current configuration (a getter: the file is reloaded while we run). */
  config: () => EarshotConfig;
  logger: Logger;
  now?: () => Date;
  /** Readiness beyond "the process is up": e.g. migrations applied. */
  ready?: () => boolean;
  /** `EARSHOT_DEMO_API_KEY`: a fixed key for the demo workspace. */
  demoKey?: { key: string; workspace: string } | undefined;
  /** Requests per second per API key (burst: twice that). */
  rateLimitPerSecond?: number;
  engagementWeights?: EngagementWeights;
  /** Seconds-scale cache of read results (0 = off); see api/cache.ts. */
  cacheTtlMs?: number;
  /** Largest request body accepted (`API_BODY_LIMIT_BYTES`); a larger one is a 413. */
  bodyLimitBytes?: number;
  /** More `/v1` route plugins (alerts, ingest webhook…), registered behind the same auth. */
  extraRoutes?: Array<(ctx: ApiContext) => FastifyPluginAsync>;
  /** Plugins at the root without auth (the web UI). */
  rootPlugins?: FastifyPluginAsync[];
  /** Key changes made in this process (the admin endpoint), applied at the next request. */
  keyChanges?: KeyChanges;
  /** Brands and sources from the API (absent: the configuration file alone, read-only). */
  setup?: SetupPort;
  /** `REPORTS_BROWSER_PATH`: the Chromium that prints PDF reports (default /usr/bin/chromium). */
  reportsBrowserPath?: string;
  /** Tests: a renderer of their own (default: Chromium at `reportsBrowserPath`). */
  pdf?: PdfRenderer;
}

export interface ApiContext {
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  now: () => Date;
  ready: () => boolean;
  engagementWeights: EngagementWeights;
  /** Route declarations, for the OpenAPI document. */
  routes: RouteSpec[];
  cache: ResultCache;
  version: string;
  /** Setup (brands, sources, preview, re-match): null where the process does not offer it. */
  setup: SetupPort | null;
  /** Prints HTML reports to PDF (headless Chromium), started at the first report. */
  reports: PdfRenderer;
  /** Prints a report from the web UI's print view, served by this API (reports/print.ts). */
  printer: ReportPrinter;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This API's report printer: the scheduled reports print through it too. */
    reportPrinter: ReportPrinter;
  }
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Debian's chromium package. */
export const DEFAULT_REPORTS_BROWSER = '/usr/bin/chromium';

/** 10 MiB: an ingest batch of a few thousand mentions; `API_BODY_LIMIT_BYTES` changes it. */
export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** The HTTP API. Built without listening so tests call it in process (`app.inject`). */
export async function buildApi(deps: ApiDependencies): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'api' });
  // Per-request logs off: request latency goes to the Prometheus histogram instead.
  const app = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    frameworkErrors,
  });
  const printKeys = new PrintKeys();
  const reports =
    deps.pdf ??
    createPdfRenderer({ browserPath: deps.reportsBrowserPath ?? DEFAULT_REPORTS_BROWSER });
  const ctx: ApiContext = {
    store: deps.store,
    config: deps.config,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    ready: deps.ready ?? (() => true),
    engagementWeights: deps.engagementWeights ?? DEFAULT_ENGAGEMENT_WEIGHTS,
    routes: [],
    cache: new ResultCache(deps.cacheTtlMs ?? 0),
    version: VERSION,
    setup: deps.setup ?? null,
    reports,
    printer: createReportPrinter({
      renderer: reports,
      serve: (r) => serveInProcess(app, r),
      mintKey: (workspace, ttlMs) => {
        const key = printKeys.mint(workspace, ttlMs);
        return { key, revoke: () => printKeys.revoke(key) };
      },
      logger: deps.logger,
    }),
  };
  app.decorate('reportPrinter', ctx.printer);
  app.addHook('onClose', async () => {
    if (!deps.pdf) await ctx.reports.close();
  });
  installErrorHandler(app);
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpSeconds.observe(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  await app.register(systemRoutes(ctx));
  for (const plugin of deps.rootPlugins ?? []) await app.register(plugin);
  const auth = createAuth({
    store: deps.store,
    demoKey: deps.demoKey,
    ratePerSecond: deps.rateLimitPerSecond ?? 200,
    printKeys,
    ...(deps.keyChanges ? { keyChanges: deps.keyChanges } : {}),
  });
  await app.register(
    async (v1) => {
      v1.decorateRequest('workspaceId', '');
      v1.decorateRequest('apiKeyId', '');
      v1.decorateRequest('apiKeyScope', 'read');
      v1.decorateRequest('apiKeyName', '');
      v1.addHook('onRequest', auth);
      await v1.register(brandRoutes(ctx));
      await v1.register(compareRoutes(ctx));
      await v1.register(exportRoutes(ctx));
      await v1.register(reportRoutes(ctx));
      await v1.register(actionRoutes(ctx));
      await v1.register(reportScheduleRoutes(ctx));
      for (const extra of deps.extraRoutes ?? []) await v1.register(extra(ctx));
    },
    { prefix: '/v1' },
  );
  return app;
}

/** A request of the printed page, answered by this API without a socket. */
async function serveInProcess(app: FastifyInstance, r: PageRequest) {
  const res = await app.inject({
    method: r.method as 'GET',
    url: r.url,
    headers: r.headers,
    ...(r.body ? { payload: r.body } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (value !== undefined && name !== 'transfer-encoding')
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return { status: res.statusCode, headers, body: res.rawPayload };
}
