import { describeError } from '../../core/errors.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import { sleep as realSleep, type Sleep } from '../../core/retry.ts';
import type { Connector } from '../connector.ts';
import type { IngestPorts } from '../ports.ts';
import type { RefreshConfig } from './config.ts';
import { RefreshSchedule } from './schedule.ts';

/**
 * Re-reads the engagement of the mentions a connector produced, on the schedule of
 * schedule.ts, and produces what the source says now through the normal path (raw topic →
 * enrich → sink), where a stored mention's higher counts become an engagement update
 * (store/sink/engagement.ts). Runs beside the connector's own loop and stops with it.
 */

/** How often due mentions are collected. */
const TICK_MS = 30_000;
/** A failed re-read is tried again this much later (once per age). */
const RETRY_MS = 5 * 60_000;
/** Batch size for a connector that does not name its own. */
const DEFAULT_BATCH = 25;

export interface Refresher {
  /** Ports for the connector's own loop: what it produces is scheduled for re-reading. */
  readonly ports: IngestPorts;
  /** Runs until `stop` (by default `ports.signal`) aborts. */
  run(stop?: AbortSignal): Promise<void>;
  readonly schedule: RefreshSchedule;
}

export interface RefresherOptions {
  sleep?: Sleep;
  tickMs?: number;
}

/** Null when the connector cannot re-read its mentions or the config turns it off. */
export function createRefresher(
  connector: Connector,
  ports: IngestPorts,
  config: RefreshConfig,
  options: RefresherOptions = {},
): Refresher | null {
  const refresh = connector.refresh?.bind(connector);
  if (refresh === undefined || !config.enabled) return null;
  const schedule = new RefreshSchedule({ ages: config.after, maxTracked: config.max_tracked });
  const sleep = options.sleep ?? realSleep;
  const tickMs = options.tickMs ?? TICK_MS;
  const batch = Math.max(1, connector.refreshBatchSize ?? DEFAULT_BATCH);
  const perTick = Math.max(1, Math.round((config.max_per_minute * tickMs) / 60_000));
  const source = connector.source;
  const canChange = connector.refreshable?.bind(connector) ?? (() => true);

  const tracking: IngestPorts = {
    ...ports,
    async produce(mentions: Mention[]) {
      await ports.produce(mentions);
      const now = ports.now().getTime();
      for (const m of mentions)
        if (canChange(m)) schedule.track(m.id, Date.parse(m.created_at), now);
    },
  };

  /** One pass over what is due; when the source fails, the rest waits for a retry. */
  async function pass(stop: AbortSignal): Promise<void> {
    const now = ports.now().getTime();
    const ids = schedule.takeDue(now, perTick);
    if (ids.length === 0) return;
    let returned = 0;
    for (let i = 0; i < ids.length; i += batch) {
      if (stop.aborted) return;
      const chunk = ids.slice(i, i + batch);
      try {
        const fresh = (await refresh!(chunk, ports)).map((m) => ({ ...m, refresh: true }));
        if (fresh.length > 0) await ports.produce(fresh);
        returned += fresh.length;
      } catch (error) {
        if (stop.aborted) return;
        const rest = ids.slice(i);
        schedule.retry(rest, ports.now().getTime() + RETRY_MS);
        ports.logger.warn(
          {
            event: 'engagement_refresh_failed',
            source,
            ids: rest.length,
            retry_in_s: RETRY_MS / 1000,
            error: describeError(error),
          },
          'could not re-read engagement; trying again later',
        );
        break;
      }
    }
    ports.logger.info(
      {
        event: 'engagement_refreshed',
        source,
        asked: ids.length,
        returned,
        tracked: schedule.size,
      },
      're-read engagement',
    );
  }

  return {
    ports: tracking,
    schedule,
    async run(stop = ports.signal) {
      while (!stop.aborted) {
        await sleep(tickMs, stop);
        if (stop.aborted) break;
        await pass(stop);
      }
    },
  };
}
