import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { alertContext, type AlertContext } from '../store/queries/alerts-context.ts';
import { alertDataStart, alertSeries } from '../store/queries/alerts-series.ts';
import {
  getIncident,
  insertDelivery,
  insertEvent,
  listIncidents,
  saveIncident,
} from '../store/queries/alerts-store.ts';
import { channelsOf, parseAlertsConfig, type AlertRule, type AlertsConfig } from './config.ts';
import { calibrationCache, detect, type CalibrationCache, type Detection } from './detect.ts';
import { alertNotice } from './delivery/notice.ts';
import { sendNotice } from './delivery/send.ts';
import { excessOf, reportedUntil, step, type AlertEventKind, type Incident } from './incident.ts';
import { replay } from './replay.ts';
import { allRules, competitorsOf } from './rules.ts';
import { floorMinute, MinuteSeries, type MinuteRow } from './series.ts';

const DAY_MS = 86_400_000;
/** Four weeks of hour-of-week baseline + a week of calibration windows + slack. */
export const LOOKBACK_MS = 36 * DAY_MS;
/** Minutes re-read every tick: late mentions land in recent minutes. */
const REFRESH_MS = 2 * 3_600_000;
/** A full re-read now and then repairs anything the incremental reads missed. */
const FULL_RELOAD_MS = 6 * 3_600_000;
/** Step of the history replay: five minutes keeps a first start over days of data quick. */
const HISTORY_STEP_MS = 5 * 60_000;

/** An incident's time span, epoch ms; one still open reaches `openEnd`. */
function spanOf(
  i: { opened_at: string; resolved_at: string | null },
  openEnd = Number.POSITIVE_INFINITY,
): [number, number] {
  return [Date.parse(i.opened_at), i.resolved_at === null ? openEnd : Date.parse(i.resolved_at)];
}

/** Load the minute series a rule needs for windows ending up to `endMs`. */
export async function loadRuleSeries(
  store: Store,
  config: EarshotConfig,
  rule: AlertRule,
  fromMs: number,
  endMs: number,
): Promise<MinuteSeries> {
  const start = await alertDataStart(store, rule.workspace);
  const rows = await alertSeries(store, {
    workspace: rule.workspace,
    brand: rule.brand,
    competitors: rule.type === 'sov_shift' ? competitorsOf(config, rule) : [],
    from: new Date(fromMs),
    to: new Date(endMs),
    sources: rule.filters.sources,
    langs: rule.filters.langs,
  });
  return new MinuteSeries(fromMs, endMs, rows, start ?? endMs);
}

/** Incremental per-rule cache of minute rows, so a tick reads minutes, not weeks. */
interface CachedSeries {
  rows: Map<number, MinuteRow>;
  loadedAt: number;
  dataStart: number | null;
}

export interface EvaluatorDeps {
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export interface TickResult {
  rules: number;
  events: Array<{ kind: AlertEventKind; incident: Incident }>;
  detections: Detection[];
}

/**
 * The live evaluator: at each tick, every enabled rule is evaluated on the window that ends at
 * the last settled minute, its incident state advanced, and each event stored then delivered.
 * Open incidents are reloaded from the store on the first tick, so a restart neither forgets
 * an incident nor repeats it.
 */
export class Evaluator {
  private open = new Map<string, Incident | null>();
  private loaded = false;
  private calibrations = new Map<string, CalibrationCache>();
  private series = new Map<string, CachedSeries>();
  private deliveries = new Set<Promise<void>>();

  constructor(private readonly deps: EvaluatorDeps) {}

  async tick(now: Date): Promise<TickResult> {
    const config = this.deps.config();
    const alerts = parseAlertsConfig(config);
    const result: TickResult = { rules: 0, events: [], detections: [] };
    if (!alerts.enabled) return result;
    this.dataStarts.clear();
    if (!this.loaded) await this.loadOpen();
    const endMs = floorMinute(now.getTime() - alerts.settle);
    const rules = (await allRules(this.deps.store, config, alerts)).filter((r) => r.enabled);
    for (const rule of rules) {
      result.rules++;
      const key = `${rule.workspace}/${rule.id}`;
      const series = await this.seriesFor(config, rule, endMs);
      // Calibrations measured before older data arrived are stale: key them by the data start.
      const calibrationKey = `${key}@${(await this.dataStartOf(rule.workspace)) ?? ''}`;
      let cache = this.calibrations.get(calibrationKey);
      if (!cache) {
        if (this.calibrations.size > 10_000) this.calibrations.clear();
        // Each rule recalibrates at its own time of the six hours (detect.ts CalibrationCache).
        this.calibrations.set(calibrationKey, (cache = calibrationCache(phaseOf(key))));
      }
      // Past windows whose data arrived since they were last looked at (first tick after a
      // start, an import or backfill that moved the data start): replay them first, once the
      // data start has held still for a tick. A backfill in progress (the demo's lands newest
      // hour first) moves it every tick, and a replay over part of the history finds what the
      // whole would not: a window's first with two days behind it is mid-spike, so the spike
      // opens late and closes early, and its tail opens a second incident once the share scan
      // has its two days (`npm run eval:demo-alerts`, 48 start hours: with overlapping incidents
      // merged but no wait, 11 demo first starts still raised a second alert or a late one).
      const dataStart = await this.dataStartOf(rule.workspace);
      const settled = this.lastDataStarts.get(rule.workspace) === dataStart;
      if (settled && (!this.historyAt.has(key) || this.historyAt.get(key) !== dataStart)) {
        await this.evaluateHistory(rule, alerts, key, series, endMs, now.getTime());
        this.historyAt.set(key, dataStart);
      }
      const d = detect(rule, series, endMs, cache, this.reported.get(key));
      result.detections.push(d);
      const tr = step(rule, this.open.get(key) ?? null, d, endMs);
      this.open.set(key, tr.open);
      this.setReported(key, reportedUntil(tr, undefined));
      if (!tr.event) continue;
      result.events.push(tr.event);
      await this.record(rule, alerts, tr.event.kind, tr.event.incident, now.getTime());
    }
    this.lastDataStarts = new Map(this.dataStarts);
    return result;
  }

  /** Each workspace's data start as the previous tick saw it (`undefined`: not seen yet). */
  private lastDataStarts = new Map<string, number | null>();

  /** Per rule: the data start its history was last evaluated at. */
  private historyAt = new Map<string, number | null>();

  /**
   * Replay a rule over the windows of `alerts.history.lookback` before `endMs`, exactly as the
   * live evaluator would have run them (every `HISTORY_STEP_MS`), and store each incident found
   * there that the store does not know yet as historical. One still open at `endMs` carries on
   * live.
   *
   * "Known" means the same id (ids are deterministic) or an overlapping span of the same rule:
   * a replay over more data (the demo's backfill moves the data start back hour by hour, an
   * import adds older weeks) has a different baseline and can open the same incident a step
   * earlier or later, under another id. That is one incident, not a second card.
   */
  private async evaluateHistory(
    rule: AlertRule,
    alerts: AlertsConfig,
    key: string,
    series: MinuteSeries,
    endMs: number,
    nowMs: number,
  ): Promise<void> {
    const from = Math.max(series.startMs, endMs - alerts.history.lookback);
    const live = this.open.get(key) ?? null;
    const { events, open, reportedUntilMs } = replay(rule, series, from, endMs, {
      stepMs: HISTORY_STEP_MS,
    });
    this.setReported(key, reportedUntilMs);
    if (events.length === 0 && open === null) return;
    const stored = await listIncidents(this.deps.store, {
      workspace: rule.workspace,
      rule: rule.id,
      limit: 10_000,
    });
    const spans = stored.map(spanOf);
    if (live !== null) spans.push(spanOf(live));
    const known = new Map<string, boolean>();
    const isKnown = (incident: Incident): boolean => {
      let k = known.get(incident.id);
      if (k === undefined) {
        const [start, end] = spanOf(incident, endMs);
        k = spans.some(([s, e]) => s <= end && start <= e);
        known.set(incident.id, k);
      }
      return k;
    };
    // Judge each incident by its whole span in this replay (its last event), not by its
    // opening alone: a span that only later reaches a stored one is the same incident too.
    const last = new Map<string, Incident>();
    for (const e of events) last.set(e.incident.id, e.incident);
    if (open !== null) last.set(open.id, open);
    for (const e of events) {
      if (isKnown(last.get(e.incident.id)!)) continue;
      const id = e.incident.id;
      // One that opened in the replay's last step is happening now: the live evaluator would
      // have opened it on this tick, so it is live, not history (a storm that arrives in the
      // same tick as a backfill must not be labelled historical).
      const happeningNow =
        open?.id === id && Date.parse(e.incident.opened_at) >= endMs - HISTORY_STEP_MS;
      await this.record(rule, alerts, e.kind, e.incident, nowMs, !happeningNow);
    }
    if (live === null && open !== null && !isKnown(open)) this.open.set(key, open);
  }

  /** Per rule: when its last incident resolved (`detect`'s `reportedUntilMs`). */
  private reported = new Map<string, number>();

  private setReported(key: string, ms: number | undefined): void {
    if (ms !== undefined && ms > (this.reported.get(key) ?? -Infinity)) this.reported.set(key, ms);
  }

  private async loadOpen(): Promise<void> {
    // Where each rule's last report ends, so a longer window does not page again for it.
    for (const i of await listIncidents(this.deps.store, { state: 'resolved', limit: 10_000 }))
      if (i.resolved_at !== null)
        this.setReported(`${i.workspace}/${i.rule_id}`, Date.parse(i.resolved_at));
    for (const i of await listIncidents(this.deps.store, { active: true, limit: 10_000 })) {
      const detection = i.detection as Detection;
      this.open.set(`${i.workspace}/${i.rule_id}`, {
        ...i,
        type: i.type as Incident['type'],
        state: i.state as Incident['state'],
        detection,
        peak: i.peak as Detection,
        // Not stored: the last notified excess is the conservative reference after a restart.
        reference_excess: excessOf(detection),
      });
    }
    this.loaded = true;
  }

  /** Per tick: when each workspace's data begins (a backfill moves it earlier). */
  private dataStarts = new Map<string, number | null>();

  private async dataStartOf(workspace: string): Promise<number | null> {
    if (!this.dataStarts.has(workspace))
      this.dataStarts.set(workspace, await alertDataStart(this.deps.store, workspace));
    return this.dataStarts.get(workspace) ?? null;
  }

  /**
   * The rule's minute series for windows ending at `endMs`: the last two hours re-read every
   * tick (late mentions), everything re-read every six hours, and at once when older data
   * appeared (a backfill, an import).
   */
  private async seriesFor(
    config: EarshotConfig,
    rule: AlertRule,
    endMs: number,
  ): Promise<MinuteSeries> {
    const key = JSON.stringify([
      rule.workspace,
      rule.brand,
      rule.type === 'sov_shift',
      rule.filters,
    ]);
    const fromMs = endMs - LOOKBACK_MS;
    const dataStart = await this.dataStartOf(rule.workspace);
    let cached = this.series.get(key);
    const full =
      !cached || endMs - cached.loadedAt >= FULL_RELOAD_MS || cached.dataStart !== dataStart;
    const readFrom = full ? fromMs : Math.max(fromMs, endMs - REFRESH_MS);
    const rows = await alertSeries(this.deps.store, {
      workspace: rule.workspace,
      brand: rule.brand,
      competitors: rule.type === 'sov_shift' ? competitorsOf(config, rule) : [],
      from: new Date(readFrom),
      to: new Date(endMs),
      sources: rule.filters.sources,
      langs: rule.filters.langs,
    });
    if (full || !cached) {
      cached = { rows: new Map(), loadedAt: endMs, dataStart };
      this.series.set(key, cached);
    }
    for (const [t] of cached.rows) if (t < fromMs || t >= readFrom) cached.rows.delete(t);
    for (const r of rows) cached.rows.set(r.t, r);
    return new MinuteSeries(fromMs, endMs, [...cached.rows.values()], dataStart ?? endMs);
  }

  private async record(
    rule: AlertRule,
    alerts: AlertsConfig,
    kind: AlertEventKind,
    incident: Incident,
    nowMs: number,
    historical = false,
  ): Promise<void> {
    const { store, logger } = this.deps;
    let context: AlertContext | null = null;
    if (kind !== 'resolved') {
      const end = Date.parse(incident.detection.window_end);
      context = await alertContext(store, {
        workspace: rule.workspace,
        brand: rule.brand,
        from: new Date(end - rule.windowMs),
        to: new Date(end),
      }).catch((error: unknown) => {
        logger.warn({
          event: 'alert_context_failed',
          incident: incident.id,
          err: describeError(error),
        });
        return null;
      });
    }
    // An acknowledgement made through the API lives only in the store: keep it.
    const stored = await getIncident(store, incident.workspace, incident.id);
    const acked = { acked_at: stored?.acked_at ?? null, acked_by: stored?.acked_by ?? null };
    const isHistorical = historical || stored?.historical === true;
    // A resolution keeps the context of the window that opened (or last updated) the incident.
    await saveIncident(store, {
      ...incident,
      ...acked,
      context: context ?? stored?.context ?? null,
      historical: isHistorical,
    });
    await insertEvent(store, {
      workspace: incident.workspace,
      incident_id: incident.id,
      kind,
      at: incident.updated_at,
      brand: incident.brand,
      rule_id: incident.rule_id,
      payload: { detection: incident.detection, context },
    });
    logger.info({
      event: `alert_${kind}`,
      incident: incident.id,
      rule: rule.id,
      brand: rule.brand,
      z: incident.detection.z,
    });
    // A historical incident older than `notify_max_age` is news to nobody: stored, not sent.
    if (isHistorical && nowMs - Date.parse(incident.opened_at) > alerts.history.notify_max_age) {
      logger.info({ event: 'alert_historical_not_sent', incident: incident.id, kind });
      return;
    }
    const notice = alertNotice(kind, incident, context);
    // Delivery runs beside the evaluation, one task per channel: a channel retrying for
    // minutes must not delay the next minute's evaluation (nor the other channels).
    for (const channel of channelsOf(rule, alerts)) {
      const task = (async () => {
        const r = await sendNotice(channel, notice, {
          delivery: alerts.delivery,
          env: this.deps.env ?? {},
          logger,
          ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
        });
        await insertDelivery(store, {
          workspace: incident.workspace,
          incident_id: incident.id,
          kind,
          ...r,
          at: new Date().toISOString(),
        });
      })().catch((error: unknown) =>
        logger.error({
          event: 'alert_delivery_record_failed',
          incident: incident.id,
          channel: channel.id,
          err: describeError(error),
        }),
      );
      this.deliveries.add(task);
      void task.finally(() => this.deliveries.delete(task));
    }
  }

  /** Resolves when every delivery started so far is done (delivered or dead-lettered). */
  async drain(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }
}

/** A stable spread of rules over the recalibration period: FNV-1a of the rule key, in minutes. */
export function phaseOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return (h % 360) * 60_000;
}
