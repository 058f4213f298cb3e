import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import type { EngagementWeights } from '../store/queries/metrics.ts';
import { createPdfRenderer } from './pdf.ts';
import { runScheduledReports } from './scheduled.ts';

/**
 * The job the alerts scheduler runs every hour (alerts/index.ts `scheduledReports`): the
 * reports whose period is over, with a browser of its own, closed with the job.
 */
export function scheduledReportsJob(o: {
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  browserPath: string;
  publicUrl?: string | undefined;
  weights?: EngagementWeights;
  env?: Record<string, string | undefined>;
}): { run: () => Promise<void>; close: () => Promise<void> } {
  const pdf = createPdfRenderer({ browserPath: o.browserPath, concurrency: 1 });
  return {
    run: async () => {
      await runScheduledReports({
        store: o.store,
        config: o.config(),
        logger: o.logger,
        env: o.env ?? process.env,
        now: new Date(),
        pdf,
        ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
        ...(o.weights ? { weights: o.weights } : {}),
      });
    },
    close: () => pdf.close(),
  };
}
