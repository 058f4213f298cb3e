import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { ReportPrinter } from '../reports/print.ts';
import type { Store } from '../store/port.ts';
import type { EngagementWeights } from '../store/queries/metrics.ts';
import { buildApi, DEFAULT_REPORTS_BROWSER } from './app.ts';
import { alertRoutes } from './routes/alerts.ts';
import { uiRoutes } from './routes/ui.ts';

/**
 * The report printer of a process that does not serve the API (the alerts role's scheduled
 * reports, `earshot alerts digest`): an API built in process and never
 * listening, with the web UI and the routes its print view reads, so a scheduled report is
 * printed exactly as `GET /v1/reports/…` prints it.
 */
export async function printingApi(o: {
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  browserPath?: string | undefined;
  weights?: EngagementWeights | undefined;
  /** The built web UI (default: dashboards/web/dist of this checkout). */
  uiRoot?: string;
}): Promise<{ printer: ReportPrinter; close: () => Promise<void> }> {
  const app = await buildApi({
    store: o.store,
    config: o.config,
    logger: o.logger,
    reportsBrowserPath: o.browserPath ?? DEFAULT_REPORTS_BROWSER,
    ...(o.weights ? { engagementWeights: o.weights } : {}),
    extraRoutes: [alertRoutes],
    rootPlugins: [uiRoutes(o.uiRoot ? { root: o.uiRoot } : {})],
  });
  await app.ready();
  return { printer: app.reportPrinter, close: () => app.close() };
}
