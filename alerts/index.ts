import type { Logger } from '../core/logger.ts';
import { metrics } from '../core/metrics.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { parseAlertsConfig } from './config.ts';
import { Evaluator } from './evaluator.ts';
import { scheduleExclusive, type Schedule } from './scheduler.ts';

export { parseAlertsConfig } from './config.ts';
export { Evaluator } from './evaluator.ts';

export interface AlertingDeps {
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  now?: () => Date;
  /** Env vars that hold channel secrets; default process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Scheduled reports (reports/scheduled.ts), the weekly digest among them: run every hour
   * here, in the one process of a deployment that runs alerts, so they are sent once.
   */
  scheduledReports?: () => Promise<void>;
}

/** Hourly, a few minutes past: a report whose period ended at midnight goes out by 00:05. */
export const REPORTS_SCHEDULE = '5 * * * *';

/**
 * Alerting in this process: the evaluator on `alerts.schedule` (every minute by default) and
 * the scheduled reports (the weekly digest is one of them, see reports/scheduled.ts). Used by `earshot start` (embedded) and `earshot run alerts`
 * (its own process in production). Only one process per deployment should run it.
 */
export function startAlerting(deps: AlertingDeps): { stop(): Promise<void> } {
  const logger = deps.logger.child({ role: 'alerts' });
  const now = deps.now ?? (() => new Date());
  const alerts = parseAlertsConfig(deps.config());
  const env = deps.env ?? process.env;
  const evaluator = new Evaluator({ store: deps.store, config: deps.config, logger, env });
  const schedules: Schedule[] = [];
  if (alerts.enabled) {
    schedules.push(
      scheduleExclusive(
        alerts.schedule,
        async () => {
          const timer = metrics.alertEvaluationSeconds.startTimer();
          const r = await evaluator.tick(now()).finally(() => timer());
          logger.debug({ event: 'alerts_evaluated', rules: r.rules, events: r.events.length });
        },
        logger,
        'alerts',
      ),
    );
  }
  if (deps.scheduledReports)
    schedules.push(scheduleExclusive(REPORTS_SCHEDULE, deps.scheduledReports, logger, 'reports'));
  logger.info({ event: 'alerting_started', enabled: alerts.enabled, rules: alerts.rules.length });
  return {
    async stop() {
      await Promise.all(schedules.map((s) => s.stop()));
      // Deliveries in flight finish (bounded by the channel's retries and timeouts).
      await evaluator.drain();
    },
  };
}
