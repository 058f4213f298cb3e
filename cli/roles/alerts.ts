import { startAlerting } from '../../alerts/index.ts';
import type { Service } from '../../core/runtime/services.ts';
import { scheduledReportsJob } from '../../reports/scheduler.ts';
import type { Runtime } from '../runtime.ts';

/**
 * The alerts role: rule evaluation, and the scheduled reports (the weekly digest among them) on
 * their schedules (one per deployment).
 */
export function alertsServices(rt: Runtime): Service[] {
  let alerting: { stop(): Promise<void> } | null = null;
  let reports: ReturnType<typeof scheduledReportsJob> | null = null;
  return [
    {
      id: 'alerts',
      start() {
        reports = scheduledReportsJob({
          store: rt.store,
          config: rt.config,
          logger: rt.logger,
          browserPath: rt.settings.REPORTS_BROWSER_PATH,
          publicUrl: rt.settings.REPORTS_PUBLIC_URL,
          weights: rt.settings.ENGAGEMENT_WEIGHTS,
        });
        alerting = startAlerting({
          store: rt.store,
          config: rt.config,
          logger: rt.logger,
          scheduledReports: reports.run,
        });
        return Promise.resolve();
      },
      async stop() {
        await alerting?.stop();
        await reports?.close();
      },
    },
  ];
}
