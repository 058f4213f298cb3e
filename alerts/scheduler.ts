import cron from 'node-cron';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/**
 * Run `job` on a cron schedule, never two at once: a tick that arrives while the previous run
 * is still going is skipped (and logged), not queued, so a slow store cannot pile up
 * evaluations. `stop()` waits for the run in flight.
 */
export interface Schedule {
  stop(): Promise<void>;
  /** Resolves when the run in flight (if any) is done. */
  idle(): Promise<void>;
}

export interface ScheduleStats {
  runs: number;
  skipped: number;
  failed: number;
}

export function scheduleExclusive(
  expression: string,
  job: () => Promise<void>,
  logger: Logger,
  name: string,
  stats: ScheduleStats = { runs: 0, skipped: 0, failed: 0 },
): Schedule {
  if (!cron.validate(expression)) throw new Error(`invalid cron expression "${expression}"`);
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) {
      stats.skipped++;
      logger.warn({ event: 'schedule_tick_skipped', schedule: name }, 'previous run still going');
      return;
    }
    stats.runs++;
    running = job()
      .catch((error: unknown) => {
        stats.failed++;
        logger.error({ event: 'schedule_run_failed', schedule: name, err: describeError(error) });
      })
      .finally(() => {
        running = null;
      });
  };
  const task = cron.schedule(expression, run, { name, timezone: 'UTC' });
  return {
    async stop() {
      await task.destroy();
      await running;
    },
    async idle() {
      await running;
    },
  };
}
