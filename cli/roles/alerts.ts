import { startAlerting } from '../../alerts/index.ts';
import { printingApi } from '../../api/printing.ts';
import type { Service } from '../../core/runtime/services.ts';
import { scheduledReportsJob } from '../../reports/scheduler.ts';
import type { Runtime } from '../runtime.ts';

/**
 * The alerts role: rule evaluation, and the scheduled reports (the weekly digest among them) on
 * their schedules (one per deployment).
 */
export function alertsServices(rt: Runtime): Service[] {
  let alerting: { stop(): Promise<void> } | null = null;
  let printing: Awaited<ReturnType<typeof printingApi>> | null = null;
  return [
    {
      id: 'alerts',
      async start() {
        // Reports print from the dashboard's print view, served by an API in this process.
        printing = await printingApi({
          store: rt.store,
          config: rt.config,
          logger: rt.logger,
          browserPath: rt.settings.REPORTS_BROWSER_PATH,
          weights: rt.settings.ENGAGEMENT_WEIGHTS,
        });
        const reports = scheduledReportsJob({
          store: rt.store,
          config: rt.config,
          logger: rt.logger,
          printer: printing.printer,
          publicUrl: rt.settings.REPORTS_PUBLIC_URL,
          weights: rt.settings.ENGAGEMENT_WEIGHTS,
        });
        alerting = startAlerting({
          store: rt.store,
          config: rt.config,
          logger: rt.logger,
          scheduledReports: reports.run,
        });
      },
      async stop() {
        await alerting?.stop();
        await printing?.close();
      },
    },
  ];
}
