import type { AlertRule } from './config.ts';
import type { Detection } from './detect.ts';

/**
 * One incident is one alert. A pure state machine per (rule): the first firing window opens an
 * incident; while it is open, firing windows only move its peak (no repeats), except a clear
 * escalation (the excess over the baseline at least doubled against the incident's established
 * size, measured over the first window after the last notice) which sends one `updated`; it resolves once the condition has been clear for the
 * rule's cooldown (or the window that found it, when longer: `holdMs`), so a flapping signal stays one incident. Ids are deterministic (rule +
 * opening window), so a backtest and the live evaluator name the same incident the same way.
 */

export type IncidentState = 'open' | 'updated' | 'resolved';
export type AlertEventKind = 'open' | 'updated' | 'resolved';

export interface Incident {
  id: string;
  workspace: string;
  rule_id: string;
  brand: string;
  type: AlertRule['type'];
  state: IncidentState;
  opened_at: string;
  updated_at: string;
  resolved_at: string | null;
  last_firing_at: string;
  /** The detection that opened the incident or was last notified (its "why"). */
  detection: Detection;
  /** The most extreme window seen so far. */
  peak: Detection;
  /**
   * The incident's established size: the largest excess (observed − baseline, per minute for
   * counts: see `excessOf`) seen within one window of the last notice. The first firing window usually covers the spike only in part,
   * so comparing with it alone would "escalate" every incident once.
   */
  reference_excess: number;
  /** How many `updated` notices were sent. */
  updates: number;
  acked_at: string | null;
  acked_by: string | null;
}

export interface Transition {
  /** The rule's open incident after this step (null when none). */
  open: Incident | null;
  /** What to record and deliver, if anything changed visibly. */
  event: { kind: AlertEventKind; incident: Incident } | null;
}

const ESCALATION_FACTOR = 2;
/** The longest an incident found over a window of hours is held open by that window alone. */
const MAX_HOLD_MS = 24 * 3_600_000;
/** Windows longer than this (the scales of hours of quiet brands) hold an incident open. */
const HOLD_FROM_MS = 2 * 3_600_000;

/**
 * How long the condition must be clear before an incident resolves: the rule's cooldown, or
 * the window that found it when that is longer (up to a day). A quiet brand's incident is seen
 * over windows of 4 to 24 hours, which still hold it for that long after it ends: with the
 * hour of cooldown alone, each time those windows flickered the same incident opened again
 * (rate-band harness, tuning seeds, 3 an hour: a spike paged again five hours after it ended,
 * a drift five times).
 */
export function holdMs(
  rule: Pick<AlertRule, 'cooldownMs'>,
  open: Pick<Incident, 'detection' | 'peak'>,
): number {
  const w = Math.max(open.detection.window_minutes, open.peak.window_minutes) * 60_000;
  // Only windows of hours: one of up to two hours (a busy brand's share scan, the seasonal
  // scales) lets go of a spike within the cooldown's order, and its hold kept the demo's
  // planted spike open two hours longer than its seasonal detection did.
  return w > HOLD_FROM_MS ? Math.max(rule.cooldownMs, Math.min(w, MAX_HOLD_MS)) : rule.cooldownMs;
}

/**
 * How far a detection is from its baseline, comparable across the detector's scales: counts
 * per minute (a 60-minute window holds four times the excess of a 15-minute one for the same
 * spike), proportions as they are.
 */
export function excessOf(
  d: Pick<Detection, 'metric' | 'observed' | 'baseline' | 'window_minutes'>,
): number {
  const excess = Math.abs(d.observed - d.baseline);
  return d.metric === 'volume' || d.metric === 'negative_count'
    ? excess / Math.max(1, d.window_minutes)
    : excess;
}

export function incidentId(rule: Pick<AlertRule, 'workspace' | 'id'>, openedAtMs: number): string {
  const stamp = new Date(openedAtMs).toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return `${rule.workspace}.${rule.id}.${stamp}`;
}

export function step(
  rule: Pick<AlertRule, 'workspace' | 'id' | 'brand' | 'type' | 'cooldownMs' | 'windowMs'>,
  open: Incident | null,
  d: Detection,
  nowMs: number,
): Transition {
  const now = new Date(nowMs).toISOString();
  if (open === null) {
    if (!d.firing) return { open: null, event: null };
    const incident: Incident = {
      id: incidentId(rule, nowMs),
      workspace: rule.workspace,
      rule_id: rule.id,
      brand: rule.brand,
      type: rule.type,
      state: 'open',
      opened_at: now,
      updated_at: now,
      resolved_at: null,
      last_firing_at: now,
      detection: d,
      peak: d,
      reference_excess: excessOf(d),
      updates: 0,
      acked_at: null,
      acked_by: null,
    };
    return { open: incident, event: { kind: 'open', incident } };
  }

  if (d.firing) {
    const peak = Math.abs(d.z) > Math.abs(open.peak.z) ? d : open.peak;
    const excess = excessOf(d);
    const settling = nowMs - Date.parse(open.updated_at) < rule.windowMs;
    if (settling)
      return {
        open: {
          ...open,
          last_firing_at: now,
          peak,
          reference_excess: Math.max(open.reference_excess, excess),
        },
        event: null,
      };
    if (excess >= ESCALATION_FACTOR * open.reference_excess) {
      const incident: Incident = {
        ...open,
        state: 'updated',
        updated_at: now,
        last_firing_at: now,
        detection: d,
        peak,
        reference_excess: excess,
        updates: open.updates + 1,
      };
      return { open: incident, event: { kind: 'updated', incident } };
    }
    return { open: { ...open, last_firing_at: now, peak }, event: null };
  }

  if (nowMs - Date.parse(open.last_firing_at) >= holdMs(rule, open)) {
    const incident: Incident = { ...open, state: 'resolved', updated_at: now, resolved_at: now };
    return { open: null, event: { kind: 'resolved', incident } };
  }
  return { open, event: null };
}

/**
 * Where what a rule has reported ends, after a step: when the incident that just resolved was
 * resolved, else as before. Up to then its excess was the open incident's (an excess fading
 * below the threshold still belongs to it). `detect` (its `reportedUntilMs`) keeps a longer
 * window from opening a new incident for it.
 */
export function reportedUntil(tr: Transition, before: number | undefined): number | undefined {
  return tr.event?.kind === 'resolved' ? Date.parse(tr.event.incident.resolved_at!) : before;
}
