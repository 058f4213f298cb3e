import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import type { EngagementWeights } from '../store/queries/metrics.ts';
import type { ReportPrinter } from './print.ts';
import { runScheduledReports } from './scheduled.ts';

/**
 * The job the alerts scheduler runs every hour (alerts/index.ts `scheduledReports`): the
 * reports whose period is over, printed by `printer` (an API's, in process: cli/roles/alerts.ts).
 */
export function scheduledReportsJob(o: {
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  printer: ReportPrinter;
  publicUrl?: string | undefined;
  weights?: EngagementWeights;
  env?: Record<string, string | undefined>;
}): { run: () => Promise<void> } {
  return {
    run: async () => {
      await runScheduledReports({
        store: o.store,
        config: o.config(),
        logger: o.logger,
        env: o.env ?? process.env,
        now: new Date(),
        printer: o.printer,
        ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
        ...(o.weights ? { weights: o.weights } : {}),
      });
    },
  };
}
