import { defaultRulesFor, resolveRule, type AlertRule, type RuleType } from '../config.ts';
import { referenceShare, scanThreshold } from '../detect-shift.ts';
import { replay } from '../replay.ts';
import { binomialZ } from '../tails.ts';
import { MINUTE_MS, MinuteSeries, type MinuteRow } from '../series.ts';
import { gaussian, mulberry32, poisson } from '../../core/random.ts';
import type { SentimentLabel } from '../../core/contracts/mention.ts';
import type { SentimentPool, TrueKind } from './pool.ts';

/**
 * The rate-band harness (issue: alerts that work for real brands). Four weeks of one brand's
 * mentions at a mean of 3, 30, 300 or 3,000 an hour, with a daily cycle, quieter weekends, a
 * level that wanders from day to day and quarter hour to quarter hour, planted incidents
 * (negative spikes steep and ramped, short and long, with and without a volume rise, a launch,
 * a slow sentiment drift over one to three days) at any hour of any day, and decoys (a viral
 * post, a holiday dip, a quiet day). Every mention's sentiment is what the project's own
 * enricher gave a sentence of the demo source (`scripts/lib-alerts-sentiment-pool.ts`), so its errors are real.
 * The brand's **default** rules (`defaultRulesFor`) are replayed over the bucketed counts
 * through the real detector and incident state machine (`replay`), as the live evaluator would
 * have run them; the store is exercised separately by a smaller end-to-end test.
 */

export const BANDS_PER_HOUR = [3, 30, 300, 3000] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** A Monday, 00:00 UTC. */
export const BANDS_START_MS = Date.parse('2026-02-02T00:00:00Z');
export const BANDS_DAYS = 28;
/** Rules are evaluated from here: a brand's rules learn for a day first (`insufficient_history`). */
const EVAL_FROM_MS = BANDS_START_MS + DAY_MS + 2 * HOUR_MS;
/** Incidents start after the second day, so each has some baseline before it. */
const PLANT_FROM_MS = BANDS_START_MS + 2 * DAY_MS;

export type EventKind =
  | 'negative_spike'
  | 'negative_shift'
  | 'launch'
  | 'drift'
  | 'viral'
  | 'holiday'
  | 'quiet_day'
  | 'level_shift';

export interface PlantedEvent {
  kind: EventKind;
  startMs: number;
  /** Until the effect is fully over (a drift's recovery included). */
  endMs: number;
  /** Minutes from start to full strength (0 = steep). */
  rampMin: number;
  /**
   * Strength: extra mentions per hour (spikes, launch, viral), the share of mentions turned
   * negative (shift, drift) or the factor on volume (holiday, quiet day, a lasting level shift).
   */
  size: number;
}

/** Incidents a team wants to hear about, and which rule types count as hearing it. */
export const DETECTED_BY: Record<EventKind, readonly RuleType[]> = {
  negative_spike: ['negative_spike', 'sentiment_drop'],
  negative_shift: ['negative_spike', 'sentiment_drop'],
  launch: ['volume_spike'],
  drift: ['sentiment_drop', 'negative_spike'],
  viral: [],
  holiday: [],
  quiet_day: [],
  level_shift: [],
};
/** Alerts that are right during an event without being required (a negative spike with a volume
 * rise is also a volume spike; a viral post is one). Any other alert is false. */
const ALLOWED: Record<EventKind, readonly RuleType[]> = {
  ...DETECTED_BY,
  negative_spike: ['negative_spike', 'sentiment_drop', 'volume_spike'],
  viral: ['volume_spike'],
  // A lasting rise is news in its first hours (`levelShiftEvent`), not for days after.
  level_shift: ['volume_spike'],
};
/** Spikes: the events whose time to detect is the ≤ 30 min target. */
const SPIKES: ReadonlySet<EventKind> = new Set(['negative_spike', 'negative_shift', 'launch']);
/** After an event ends, an alert this much later still belongs to it (windows lag). */
const GRACE_MS = 2 * HOUR_MS;

export interface BrandSpec {
  seed: number;
  perHour: number;
  daily: number;
  weekend: number;
  /** Coefficient of variation of the quarter-hour rate. */
  dispersion: number;
  /** Coefficient of variation of the day's level. */
  dayWander: number;
  mix: { pos: number; neu: number; neg: number };
  /**
   * Coefficient of variation of the negative share, drawn per day and again per hour (0 unless
   * asked: `eval:alerts -- --mix-wander C`). Real brands' share of complaints moves with the news
   * and the threads of the day; the harness's brands otherwise keep one mix for four weeks.
   */
  mixWander?: number;
}

export interface BrandScenario {
  spec: BrandSpec;
  events: PlantedEvent[];
  /** Length of the series (`BANDS_DAYS` unless asked: `eval:alerts -- --days`). */
  days: number;
}

/** Where a scenario's series ends. */
export function seriesEndMs(sc: Pick<BrandScenario, 'days'>): number {
  return BANDS_START_MS + sc.days * DAY_MS;
}

function expectedPerHour(spec: BrandSpec, ms: number): number {
  const at = new Date(ms);
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
  const daily = 1 + spec.daily * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const weekly = at.getUTCDay() === 0 || at.getUTCDay() === 6 ? spec.weekend : 1;
  return spec.perHour * daily * weekly;
}

/** Standard deviation of an hour's count of mean x, with the quarter-hour wander. */
function hourSigma(spec: BrandSpec, x: number): number {
  return Math.sqrt(x + (spec.dispersion * x) ** 2 / 4);
}

/** A brand of this band and its planted events: a pure function of the seed. */
export function brandScenario(perHour: number, seed: number, days = BANDS_DAYS): BrandScenario {
  const rng = mulberry32(seed);
  const between = (a: number, b: number) => a + rng() * (b - a);
  const neg = between(0.1, 0.25);
  const pos = between(0.3, 0.45);
  const spec: BrandSpec = {
    seed: Math.floor(rng() * 2 ** 31),
    perHour,
    daily: between(0.3, 0.7),
    weekend: between(0.5, 1),
    dispersion: between(0.03, 0.15),
    dayWander: between(0.02, 0.08),
    mix: { pos, neg, neu: 1 - pos - neg },
  };
  const kinds: Exclude<EventKind, 'level_shift'>[] = [
    'negative_spike',
    'negative_spike',
    'negative_shift',
    'launch',
    'drift',
    'viral',
    'holiday',
    'quiet_day',
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const events: PlantedEvent[] = [];
  let cursor = PLANT_FROM_MS;
  const endOfSeries = seriesEndMs({ days });
  let spikeNo = 0;
  for (const kind of kinds) {
    let start = cursor + between(12, 40) * HOUR_MS;
    start = Math.floor(start / MINUTE_MS) * MINUTE_MS;
    let e: PlantedEvent;
    const base = expectedPerHour(spec, start);
    switch (kind) {
      case 'negative_spike':
      case 'negative_shift': {
        // One steep and short, one ramped and long (and the shift either way).
        const steep = kind === 'negative_spike' ? spikeNo++ % 2 === 0 : rng() < 0.5;
        const durH = steep ? between(0.5, 1.5) : between(2, 6);
        const negH = base * spec.mix.neg;
        // At least eight extra negatives over the incident (a handful of angry posts is an
        // incident for a quiet brand), else 4–8 noise levels of an hour's negatives.
        const extra = Math.max(8, 8 / durH, between(4, 8) * hourSigma(spec, negH));
        e = {
          kind,
          startMs: start,
          endMs: start + durH * HOUR_MS,
          rampMin: steep ? 0 : between(30, 90),
          size: kind === 'negative_spike' ? extra : Math.min(0.6, extra / Math.max(base, 1e-9)),
        };
        break;
      }
      case 'launch': {
        const durH = between(2, 6);
        e = {
          kind,
          startMs: start,
          endMs: start + durH * HOUR_MS,
          rampMin: between(0, 30),
          // Half as many mentions again to twice as many (at least a dozen an hour).
          size: Math.max(12, between(0.5, 1) * base, 6 * hourSigma(spec, base)),
        };
        break;
      }
      case 'viral': {
        const durH = between(1, 2);
        e = {
          kind,
          startMs: start,
          endMs: start + durH * HOUR_MS,
          rampMin: 0,
          size: Math.max(12, between(4, 8) * hourSigma(spec, base)),
        };
        break;
      }
      case 'drift': {
        const rampH = between(24, 72);
        // Turned negative by the end of the ramp: at least 15 points, and six noise levels of a
        // day's negative share for quiet brands.
        const n = spec.perHour * 24;
        const delta = Math.min(
          0.4,
          Math.max(0.15, 6 * Math.sqrt((spec.mix.neg * (1 - spec.mix.neg)) / n)),
        );
        e = {
          kind,
          startMs: start,
          endMs: start + (rampH + 24 + 12) * HOUR_MS,
          rampMin: rampH * 60,
          size: delta,
        };
        break;
      }
      case 'holiday':
      case 'quiet_day': {
        const day = Math.ceil(start / DAY_MS) * DAY_MS;
        e = {
          kind,
          startMs: day,
          endMs: day + DAY_MS,
          rampMin: 0,
          size: kind === 'holiday' ? between(0.3, 0.5) : 0.03,
        };
        break;
      }
    }
    if (e.endMs + GRACE_MS > endOfSeries) break;
    events.push(e);
    cursor = e.endMs;
  }
  return { spec, events, days };
}

/** How far an event has ramped at `t` (0…1; a drift falls back over its last 12 hours). */
function strength(e: PlantedEvent, t: number): number {
  if (t < e.startMs || t >= e.endMs) return 0;
  const ramp = e.rampMin > 0 ? Math.min(1, (t - e.startMs) / (e.rampMin * MINUTE_MS)) : 1;
  if (e.kind === 'drift') {
    const recoverFrom = e.endMs - 12 * HOUR_MS;
    if (t >= recoverFrom) return 1 - (t - recoverFrom) / (12 * HOUR_MS);
  }
  return ramp;
}

/**
 * Every mention of the brand's four weeks, minute by minute: `emit(t, kind, u, v)` once per
 * mention of true kind `kind` in the minute starting at `t`, with two uniform draws for the
 * caller to pick its text or label by (the pool's language and sentence), so the replay harness
 * and the end-to-end evaluation (`scripts/eval-alerts-e2e.ts`) see the same realisation.
 */
export function eachMention(
  sc: BrandScenario,
  emit: (t: number, kind: TrueKind, u: number, v: number) => void,
  onMinute?: (t: number) => void,
): void {
  const { spec, events } = sc;
  const rng = mulberry32(spec.seed);
  // Its own generator for the mix's factors, so a series without the wander draws as before.
  const mixRng = mulberry32(spec.seed ^ 0x5bd1e995);
  const mixWander = spec.mixWander ?? 0;
  const minutes = sc.days * 1440;
  let block = 1;
  let day = 1;
  let negDay = 1;
  let negHour = 1;
  let t = 0;
  const mentions = (kind: TrueKind, n: number) => {
    for (let k = 0; k < n; k++) {
      const u = rng();
      emit(t, kind, u, rng());
    }
  };
  for (let i = 0; i < minutes; i++) {
    t = BANDS_START_MS + i * MINUTE_MS;
    onMinute?.(t);
    if (i % 1440 === 0) day = Math.max(0.3, 1 + spec.dayWander * gaussian(rng));
    if (i % 15 === 0) block = Math.max(0.05, 1 + spec.dispersion * gaussian(rng));
    if (mixWander > 0 && i % 1440 === 0) negDay = Math.max(0.2, 1 + mixWander * gaussian(mixRng));
    if (mixWander > 0 && i % 60 === 0) negHour = Math.max(0.2, 1 + mixWander * gaussian(mixRng));
    let lambda = (expectedPerHour(spec, t) / 60) * day * block;
    let turnNeg = 0;
    let extraNeg = 0;
    let extraLaunch = 0;
    let extraViral = 0;
    for (const e of events) {
      if (e.kind === 'level_shift') {
        if (t >= e.startMs) lambda *= e.size;
        continue;
      }
      const s = strength(e, t);
      if (s === 0) continue;
      switch (e.kind) {
        case 'negative_spike':
          extraNeg += (s * e.size) / 60;
          break;
        case 'negative_shift':
        case 'drift':
          turnNeg = Math.min(0.9, turnNeg + s * e.size);
          break;
        case 'launch':
          extraLaunch += (s * e.size) / 60;
          break;
        case 'viral':
          extraViral += (s * e.size) / 60;
          break;
        case 'holiday':
        case 'quiet_day':
          lambda *= e.size;
          break;
      }
    }
    // The day's and the hour's mix: the negative share wanders, taken from (or given to) the
    // positive and neutral ones in proportion.
    const neg = Math.min(0.8, spec.mix.neg * negDay * negHour);
    const rest = mixWander > 0 ? (1 - neg) / (spec.mix.pos + spec.mix.neu) : 1;
    const pos = spec.mix.pos * rest;
    const neu = spec.mix.neu * rest;
    // The usual mentions; a shift or drift turns a share of all mentions into complaints,
    // taken from the positive and neutral ones (volume unchanged).
    const keep = 1 - turnNeg / (pos + neu);
    mentions('pos', poisson(lambda * pos * Math.max(0, keep), rng));
    mentions('neu', poisson(lambda * neu * Math.max(0, keep), rng));
    mentions('neg', poisson(lambda * neg, rng));
    mentions('incident', poisson(lambda * (pos + neu) * Math.min(1, turnNeg / (pos + neu)), rng));
    mentions('incident', poisson(extraNeg, rng));
    // A launch: mostly praise, some questions.
    mentions('pos', poisson(extraLaunch * 0.7, rng));
    mentions('neu', poisson(extraLaunch * 0.3, rng));
    // A viral post: replies in the brand's usual mix.
    mentions('pos', poisson(extraViral * pos, rng));
    mentions('neu', poisson(extraViral * neu, rng));
    mentions('neg', poisson(extraViral * neg, rng));
  }
}

/** The brand's minute counts, as the enricher would have labelled them. */
export function generateBrand(sc: BrandScenario, pool: SentimentPool): MinuteRow[] {
  const rows: MinuteRow[] = [];
  let row: MinuteRow = { t: 0, total: 0, pos: 0, neu: 0, neg: 0 };
  let draws: [number, number] = [0, 0];
  let next = 0;
  const fromDraws = () => draws[next++]!;
  eachMention(
    sc,
    (_t, kind, u, v) => {
      draws = [u, v];
      next = 0;
      const l: SentimentLabel = pool.draw(kind, fromDraws);
      row.total++;
      if (l !== 'unscored') row[l]++;
    },
    (t) => {
      row = { t, total: 0, pos: 0, neu: 0, neg: 0 };
      rows.push(row);
    },
  );
  return rows;
}

export interface EventOutcome {
  kind: EventKind;
  startMs: number;
  night: boolean;
  weekend: boolean;
  steep: boolean;
  /** Minutes to full strength, length in minutes and strength (`PlantedEvent`). */
  rampMin: number;
  durationMin: number;
  size: number;
  detected: boolean;
  ttdMinutes: number | null;
  /** The first alert that found it (rule type, window, statistic), for the breakdown. */
  foundBy: AlertRecord | null;
  /** A negative incident's `oracleMinutes` (null for other kinds, or when never in 6 h). */
  oracleMinutes: number | null;
}

/**
 * How soon the counts themselves show a negative incident: an oracle that knows its start
 * minute scores the one window [start, start + τ) by the exact binomial tail of its negatives
 * against the brand's usual share (the scan's reference, read before the incident), with the
 * binomial noise only and one test at the `medium` threshold (no other window, no
 * multiplicity), τ in steps of five minutes. No detector that must also find the start can be
 * sooner at that threshold, so it bounds the time to detect from below.
 */
export function oracleMinutes(series: MinuteSeries, e: PlantedEvent): number | null {
  // The reference blocks end where the scan's longest window begins: 8 h before its end.
  const ref = referenceShare(series, e.startMs + 8 * HOUR_MS);
  if (ref === null) return null;
  const t = scanThreshold(3.75, 1);
  for (let tau = 5; tau <= 360; tau += 5) {
    const c = series.sum(e.startMs, e.startMs + tau * MINUTE_MS);
    const n = c.pos + c.neu + c.neg;
    if (n > 0 && c.neg > n * ref.share && binomialZ(c.neg, n, ref.share) >= t) return tau;
  }
  return null;
}

export interface AlertRecord {
  rule: RuleType;
  openedMs: number;
  /** The event it belongs to, or null (a false alert). */
  event: EventKind | null;
  correct: boolean;
  /** The opening detection's window, statistic (its secondary's name when it has one) and z. */
  windowMinutes: number;
  statistic: string;
  z: number;
}

export interface BrandResult {
  perHour: number;
  seed: number;
  outcomes: EventOutcome[];
  alerts: AlertRecord[];
  evaluatedMs: number;
  /** Rule evaluations run (rules × steps), for the time per evaluation. */
  evaluations: number;
}

export interface BandOptions {
  /**
   * Days of each series (default `BANDS_DAYS`). The eight events are planted one after another
   * from the third day and take two to three weeks, so a longer series adds no event (at 28 days
   * the last can fall off the end): its later weeks measure false alerts in a brand's steady state.
   */
  days?: number;
  /** Evaluation step; the live evaluator's is one minute. */
  stepMs?: number;
  /**
   * Burstier brands than the harness draws (`eval:alerts -- --dispersion 0.4 --wander 0.2`):
   * the quarter hour's and the day's coefficients of variation, for every brand.
   */
  burst?: { dispersion: number; dayWander: number };
  /** The negative share's wander for every brand (`BrandSpec.mixWander`). */
  mixWander?: number;
  /** Every brand's volume changes for good by this factor from days 12–16 (`levelShiftEvent`). */
  levelShift?: number;
  /**
   * Every brand's weekend level, as a share of its weekdays' (`eval:alerts -- --weekend 0.3`;
   * drawn 0.5–1 otherwise): a business-to-business brand is talked about far less on Saturdays.
   */
  weekend?: number;
  rules?: (brand: string) => AlertRule[];
}

/**
 * A lasting change of a brand's volume by `factor` (`eval:alerts -- --level-shift F`): a keyword
 * added to its search, a following that stays. It starts at an hour drawn between days 12 and
 * 16 (its own generator: the brand's other draws are unchanged) and never ends; a volume alert
 * in its first 12 hours of being seen (and the grace after) is right, any other alert after it
 * is false. A rise that starts on a holiday or a quiet day is first seen when that day ends (a
 * tripled quiet day is still a quiet day), and is news for 12 hours from then. Where it falls
 * inside another event, an alert belongs to the one that allows its rule (`scoreBrand`).
 */
export function levelShiftEvent(sc: BrandScenario, factor: number): PlantedEvent {
  const rng = mulberry32(sc.spec.seed ^ 0x2c1b3c6d);
  const startMs =
    BANDS_START_MS + 12 * DAY_MS + Math.floor(rng() * 4 * 24) * HOUR_MS + 17 * MINUTE_MS;
  const hiddenBy = sc.events.find(
    (e) =>
      (e.kind === 'holiday' || e.kind === 'quiet_day') && startMs >= e.startMs && startMs < e.endMs,
  );
  const seenMs = hiddenBy?.endMs ?? startMs;
  return { kind: 'level_shift', startMs, endMs: seenMs + 12 * HOUR_MS, rampMin: 0, size: factor };
}

/** The default rules of a brand, exactly as a new brand in the config gets them. */
export function bandRules(brand: string): AlertRule[] {
  return defaultRulesFor('eval', brand, false).map((r) =>
    resolveRule(r, BAND_DEFAULTS, 'eval', 'default'),
  );
}

/** The alerts section's defaults, unchanged. */
const BAND_DEFAULTS = {
  window: 15 * MINUTE_MS,
  sensitivity: 'medium' as const,
  min_volume: undefined,
  cooldown: HOUR_MS,
  min_change: 0.1,
};

export function runBrand(
  perHour: number,
  seed: number,
  pool: SentimentPool,
  o: BandOptions = {},
): BrandResult {
  const sc = brandScenario(perHour, seed, o.days);
  if (o.burst) Object.assign(sc.spec, o.burst);
  if (o.mixWander) sc.spec.mixWander = o.mixWander;
  if (o.weekend) sc.spec.weekend = o.weekend;
  if (o.levelShift) sc.events.push(levelShiftEvent(sc, o.levelShift));
  const rows = generateBrand(sc, pool);
  const endMs = seriesEndMs(sc);
  const series = new MinuteSeries(BANDS_START_MS, endMs, rows);
  const rules = (o.rules ?? bandRules)('eval');
  const opened: OpenedAlert[] = [];
  let evaluations = 0;
  for (const rule of rules) {
    const { events } = replay(rule, series, EVAL_FROM_MS, endMs, {
      stepMs: o.stepMs ?? 5 * MINUTE_MS,
      onStep: () => evaluations++,
    });
    for (const ev of events) {
      if (ev.kind !== 'open') continue;
      const d = ev.incident.detection;
      opened.push({
        rule: rule.type,
        openedMs: Date.parse(ev.at),
        windowMinutes: d.window_minutes,
        statistic: d.secondary?.metric ?? d.metric,
        z: d.z,
      });
    }
  }
  return { ...scoreBrand(perHour, seed, sc, opened, series), evaluations };
}

/** An alert as a rule opened it, before it is matched to the planted events. */
export type OpenedAlert = Omit<AlertRecord, 'event' | 'correct'>;

/** Where evaluation starts: rules learn for a day first (the series ends at `seriesEndMs`). */
export const BANDS_EVAL_FROM_MS = EVAL_FROM_MS;

/**
 * Matches a brand's alerts to its planted events: an alert during an event (or its grace after)
 * of a rule type that event allows is right, any other is false; an incident is found by the
 * first alert of a type that detects it. `series` (the labelled counts) gives the oracle bound;
 * without it (the end-to-end evaluation) the bound is left out.
 */
export function scoreBrand(
  perHour: number,
  seed: number,
  sc: BrandScenario,
  opened: readonly OpenedAlert[],
  series: MinuteSeries | null,
): Omit<BrandResult, 'evaluations'> {
  const alerts: AlertRecord[] = opened.map((a) => {
    // Planted events overlap only where a level shift falls inside another: the alert belongs to
    // one it is right for, if any (the rise's own volume alert inside a drift is no false alert).
    const during = sc.events.filter(
      (e) => a.openedMs >= e.startMs && a.openedMs <= e.endMs + GRACE_MS,
    );
    const event = during.find((e) => ALLOWED[e.kind].includes(a.rule)) ?? during[0] ?? null;
    return {
      ...a,
      event: event?.kind ?? null,
      correct: event !== null && ALLOWED[event.kind].includes(a.rule),
    };
  });
  const outcomes: EventOutcome[] = sc.events
    .filter((e) => DETECTED_BY[e.kind].length > 0)
    .map((e) => {
      const hit = alerts
        .filter(
          (a) =>
            DETECTED_BY[e.kind].includes(a.rule) &&
            a.openedMs >= e.startMs &&
            a.openedMs <= e.endMs + GRACE_MS,
        )
        .sort((a, b) => a.openedMs - b.openedMs)[0];
      const at = new Date(e.startMs);
      const h = at.getUTCHours();
      return {
        kind: e.kind,
        startMs: e.startMs,
        night: h >= 22 || h < 6,
        weekend: at.getUTCDay() === 0 || at.getUTCDay() === 6,
        steep: e.rampMin === 0,
        rampMin: e.rampMin,
        durationMin: (e.endMs - e.startMs) / MINUTE_MS,
        size: e.size,
        detected: hit !== undefined,
        ttdMinutes: hit ? (hit.openedMs - e.startMs) / MINUTE_MS : null,
        foundBy: hit ?? null,
        oracleMinutes:
          series !== null && (e.kind === 'negative_spike' || e.kind === 'negative_shift')
            ? oracleMinutes(series, e)
            : null,
      };
    });
  return { perHour, seed, outcomes, alerts, evaluatedMs: seriesEndMs(sc) - EVAL_FROM_MS };
}

export interface BandReport {
  perHour: number;
  brands: number;
  incidents: number;
  detected: number;
  recall: number;
  alerts: number;
  correctAlerts: number;
  falseAlerts: number;
  precision: number;
  falsePerBrandWeek: number;
  /** Median minutes from a spike's start to its first alert (spikes: negative, shift, launch). */
  ttdSpikeMedian: number | null;
  /**
   * The same median over the negative incidents only (negative spikes and shifts, steep and
   * ramped: the "negative spikes with and without a volume rise"; launches are listed
   * apart there), and per kind (`ttdKey`): every figure from the incident's start (a ramp's
   * first minute), found incidents only.
   */
  ttdNegativeMedian: number | null;
  /** Median `oracleMinutes` over every negative incident (missed ones and > 6 h count as ∞). */
  oracleNegativeMedian: number | null;
  ttdByKind: Record<string, { found: number; median: number | null; minutes: number[] }>;
  /** Recall of incidents starting at night (22–06 UTC) and on weekends. */
  recallNight: number | null;
  recallWeekend: number | null;
  recallByKind: Record<string, { incidents: number; detected: number }>;
  falseByRule: Record<string, number>;
  falseByEvent: Record<string, number>;
  evaluations: number;
  /** Per brand: every incident and every alert (the breakdown of `eval:alerts --detail`). */
  results: readonly BrandResult[];
}

/** The breakdown's kinds: a negative spike or shift, steep or ramped; a launch. */
export function ttdKey(o: Pick<EventOutcome, 'kind' | 'steep'>): string {
  return o.kind === 'negative_spike' || o.kind === 'negative_shift'
    ? `${o.kind} ${o.steep ? 'steep' : 'ramped'}`
    : o.kind;
}

/** The lower median (as the band's figure has always been). */
function lowerMedian(sorted: readonly number[]): number | null {
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : null;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

export function summarizeBand(perHour: number, results: readonly BrandResult[]): BandReport {
  const outcomes = results.flatMap((r) => r.outcomes);
  const alerts = results.flatMap((r) => r.alerts);
  const detected = outcomes.filter((o) => o.detected).length;
  const correct = alerts.filter((a) => a.correct).length;
  const ttds = outcomes
    .filter((o) => SPIKES.has(o.kind) && o.ttdMinutes !== null)
    .map((o) => o.ttdMinutes!)
    .sort((a, b) => a - b);
  const negativeTtds = outcomes
    .filter((o) => (o.kind === 'negative_spike' || o.kind === 'negative_shift') && o.detected)
    .map((o) => o.ttdMinutes!)
    .sort((a, b) => a - b);
  const oracles = outcomes
    .filter((o) => o.kind === 'negative_spike' || o.kind === 'negative_shift')
    .map((o) => o.oracleMinutes ?? Number.POSITIVE_INFINITY)
    .sort((a, b) => a - b);
  const ttdByKind: BandReport['ttdByKind'] = {};
  for (const o of outcomes.filter((x) => SPIKES.has(x.kind) && x.detected)) {
    const k = (ttdByKind[ttdKey(o)] ??= { found: 0, median: null, minutes: [] });
    k.found++;
    k.minutes.push(o.ttdMinutes!);
  }
  for (const k of Object.values(ttdByKind)) {
    k.minutes.sort((a, b) => a - b);
    k.median = lowerMedian(k.minutes);
  }
  const brandWeeks = results.reduce((s, r) => s + r.evaluatedMs, 0) / WEEK_MS;
  const byKind: BandReport['recallByKind'] = {};
  for (const o of outcomes) {
    const k = (byKind[o.kind] ??= { incidents: 0, detected: 0 });
    k.incidents++;
    if (o.detected) k.detected++;
  }
  const falseByRule: Record<string, number> = {};
  const falseByEvent: Record<string, number> = {};
  for (const a of alerts.filter((x) => !x.correct)) {
    falseByRule[a.rule] = (falseByRule[a.rule] ?? 0) + 1;
    const ev = a.event ?? 'none';
    falseByEvent[ev] = (falseByEvent[ev] ?? 0) + 1;
  }
  const night = outcomes.filter((o) => o.night);
  const weekend = outcomes.filter((o) => o.weekend);
  return {
    perHour,
    brands: results.length,
    incidents: outcomes.length,
    detected,
    recall: ratio(detected, outcomes.length) ?? 1,
    alerts: alerts.length,
    correctAlerts: correct,
    falseAlerts: alerts.length - correct,
    precision: ratio(correct, alerts.length) ?? 1,
    falsePerBrandWeek: (alerts.length - correct) / brandWeeks,
    ttdSpikeMedian: lowerMedian(ttds),
    ttdNegativeMedian: lowerMedian(negativeTtds),
    oracleNegativeMedian: lowerMedian(oracles),
    ttdByKind,
    recallNight: ratio(night.filter((o) => o.detected).length, night.length),
    recallWeekend: ratio(weekend.filter((o) => o.detected).length, weekend.length),
    recallByKind: byKind,
    falseByRule,
    falseByEvent,
    evaluations: results.reduce((s, r) => s + r.evaluations, 0),
    results,
  };
}

export function runBands(
  pool: SentimentPool,
  o: BandOptions & { bands?: readonly number[]; seeds: readonly number[] },
): BandReport[] {
  return (o.bands ?? BANDS_PER_HOUR).map((perHour) =>
    summarizeBand(
      perHour,
      o.seeds.map((seed) => runBrand(perHour, seed * 7919 + perHour, pool, o)),
    ),
  );
}
