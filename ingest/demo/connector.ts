import { sleep } from '../../core/retry.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import type { Connector } from '../connector.ts';
import type { IngestPorts } from '../ports.ts';
import { engagementAt, mentionsByIds, mentionsForMinute, type DemoOptions } from './generator.ts';
import { HOUR_MS, MINUTE_MS } from '../../core/duration.ts';

const SOURCE = 'demo';
const REWIND_MS = 5 * MINUTE_MS;

export interface DemoConnectorOptions extends DemoOptions {
  /** History generated on first start, newest hour first so dashboards fill at once. */
  backfillHours: number;
  /** How often live mentions are emitted. */
  tickMs: number;
}

/**
 * The demo as a connector: its loop (`runDemoConnector`) and its re-reads, so the ingest
 * refresher (ingest/refresh/) re-reads demo mentions on the same schedule as real sources'
 * and `npm start` shows engagement arriving after a post.
 */
export function createDemoConnector(options: DemoConnectorOptions): Connector {
  return {
    source: SOURCE,
    run: (ports) => runDemoConnector(options, ports),
    refreshBatchSize: 100,
    refresh(ids, ports) {
      const now = ports.now().getTime();
      return Promise.resolve(mentionsByIds(ids, options).map((m) => readAt(m, now)));
    },
  };
}

/**
 * Runs the demo source: first catches up from its cursor, then backfills history (newest
 * hour first), then emits live mentions as their timestamps pass. Cursors (`live_until`,
 * `backfilled_from`) advance only after the produce was acknowledged; a restart resumes.
 */
export async function runDemoConnector(
  options: DemoConnectorOptions,
  ports: IngestPorts,
): Promise<void> {
  const { cursors, logger, signal } = ports;
  const nowMs = ports.now().getTime();
  const earliest = Math.floor((nowMs - options.backfillHours * HOUR_MS) / MINUTE_MS) * MINUTE_MS;

  // 1. Live part: from where the last run stopped (or now) up to now.
  // Rewind a little: on the in-process bus a hard kill loses what was in flight, and
  // re-emitting is harmless (same ids, idempotent store).
  const liveUntilText = await cursors.get(SOURCE, 'live_until');
  let liveUntil = liveUntilText ? Math.max(earliest, Number(liveUntilText) - REWIND_MS) : nowMs;

  // 2. History, newest first, down to `earliest`.
  const backfilledText = await cursors.get(SOURCE, 'backfilled_from');
  let backfilledFrom = backfilledText ? Number(backfilledText) : liveUntil;
  if (backfilledFrom > earliest) {
    logger.info(
      {
        event: 'demo_backfill_started',
        hours: ((backfilledFrom - earliest) / 3_600_000).toFixed(1),
      },
      'generating synthetic demo history',
    );
    let produced = 0;
    while (backfilledFrom > earliest && !signal.aborted) {
      const from = Math.max(earliest, backfilledFrom - 3_600_000);
      const mentions = range(from, backfilledFrom, options, ports.now().getTime());
      await ports.produce(mentions);
      produced += mentions.length;
      backfilledFrom = from;
      await cursors.set(SOURCE, 'backfilled_from', String(backfilledFrom));
    }
    logger.info({ event: 'demo_backfill_done', mentions: produced });
  }
  await cursors.set(SOURCE, 'live_until', String(liveUntil));

  // 3. Live.
  while (!signal.aborted) {
    const now = ports.now().getTime();
    if (now > liveUntil) {
      const mentions = range(liveUntil, now, options, now);
      if (mentions.length > 0) await ports.produce(mentions);
      liveUntil = now;
      await cursors.set(SOURCE, 'live_until', String(liveUntil));
    }
    await sleep(options.tickMs, signal);
  }
}

/**
 * Mentions with created_at in [fromMs, toMs): with their settled engagement, or, with `readAtMs`,
 * as read at that moment (engagement still growing on recent posts).
 */
export function range(fromMs: number, toMs: number, options: DemoOptions, readAtMs?: number) {
  const out: Mention[] = [];
  for (let minute = Math.floor(fromMs / MINUTE_MS); minute * MINUTE_MS < toMs; minute++) {
    for (const m of mentionsForMinute(minute, options)) {
      const t = Date.parse(m.created_at);
      if (t >= fromMs && t < toMs) out.push(readAtMs === undefined ? m : readAt(m, readAtMs));
    }
  }
  return out;
}

/** A settled mention as a reader sees it at `nowMs`. */
function readAt(m: Mention, nowMs: number): Mention {
  const created = Date.parse(m.created_at);
  return {
    ...m,
    engagement: engagementAt(m.engagement, nowMs - created),
    fetched_at: new Date(Math.max(nowMs, created + 2_000)).toISOString(),
  };
}

/**
 * When the planted incident happens: fixed at the first start (five hours before it, so it
 * lies in the backfilled history) and remembered, so restarts replay the same story.
 */
export async function resolveDemoIncidentStart(
  ports: Pick<IngestPorts, 'cursors' | 'now'>,
): Promise<Date> {
  const saved = await ports.cursors.get(SOURCE, 'incident_start');
  if (saved) return new Date(Number(saved));
  const start = Math.floor(ports.now().getTime() / 3_600_000) * 3_600_000 - 5 * 3_600_000;
  await ports.cursors.set(SOURCE, 'incident_start', String(start));
  return new Date(start);
}
