import {
  AlertRuleInputSchema,
  resolveRule,
  type AlertRule,
  type AlertRuleInput,
} from './config.ts';
import { poisson } from '../core/random.ts';
import type { QueryParams, Store } from '../store/port.ts';
import { MinuteSeries, MINUTE_MS, type MinuteRow } from './series.ts';

/** Builders for the alert tests and evaluation scripts (not used by production code). */

export const T0 = Date.parse('2026-01-05T00:00:00Z');

export function aRule(over: Partial<AlertRuleInput> = {}): AlertRule {
  return resolveRule(
    AlertRuleInputSchema.parse({ id: 'r1', brand: 'b', type: 'volume_spike', ...over }),
    {
      window: 15 * MINUTE_MS,
      sensitivity: 'medium',
      min_volume: 20,
      cooldown: 3_600_000,
      min_change: 0.1,
    },
    'ws',
    'config',
  );
}

/**
 * A deterministic series: `f(minuteIndex)` gives each minute's counts. Deterministic "noise"
 * (a fixed pseudo-random wobble) keeps the calibration honest without flaky tests.
 */
export function seriesOf(
  days: number,
  f: (i: number, t: number) => Partial<MinuteRow>,
  startMs = T0,
): MinuteSeries {
  const rows: MinuteRow[] = [];
  for (let i = 0; i < days * 1440; i++) {
    const t = startMs + i * MINUTE_MS;
    rows.push({ t, total: 0, pos: 0, neu: 0, neg: 0, competitors: 0, ...f(i, t) });
  }
  return new MinuteSeries(startMs, startMs + days * 1440 * MINUTE_MS, rows);
}

/** Seeded wobble in [0, 1). */
export function wobble(i: number, seed = 1): number {
  let h = Math.imul(i ^ (seed * 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * One minute of a quiet brand at `perHour` mentions an hour (Poisson), each negative with
 * probability 0.2, the rest positive: the quiet-brand tests' traffic.
 */
export function quietMinute(
  rng: () => number,
  perHour: number,
): Pick<MinuteRow, 'total' | 'pos' | 'neu' | 'neg'> {
  const n = poisson(perHour / 60, rng);
  let neg = 0;
  for (let k = 0; k < n; k++) if (rng() < 0.2) neg++;
  return { total: n, pos: n - neg, neu: 0, neg };
}

/** A mix of pos/neu/neg for `n` mentions with a negative share `neg` (rest split evenly). */
export function mix(n: number, neg: number): Pick<MinuteRow, 'total' | 'pos' | 'neu' | 'neg'> {
  const negN = Math.round(n * neg);
  const pos = Math.floor((n - negN) / 2);
  return { total: n, pos, neu: n - negN - pos, neg: negN };
}

/**
 * A stand-in for the store that answers the evaluator's few queries from memory: the data
 * start, the minute counts (`minuteRows`, one row per minute and brand as the real query
 * groups them) and the incidents saved so far (newest version of each id, filtered as the real
 * queries are). The real SQL is covered by test/integration/alerts.int.test.ts; the evaluator's
 * tests and `npm run eval:demo-alerts` use this.
 */
export abstract class EvaluatorStore implements Store {
  readonly kind = 'chdb' as const;
  readonly database = 'memory';
  inserts: Array<{ table: string; rows: readonly object[] }> = [];

  /** @param dataStart minutes before this do not exist (yet: a backfill in progress) */
  constructor(public dataStart: number) {}

  /** The `brand_minutely` rows of [fromMs, toMs): `{ t, own, total, pos, neu, neg }`. */
  protected abstract minuteRows(params: QueryParams, fromMs: number, toMs: number): object[];

  command(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  readOnlyQuery(): Promise<string> {
    return Promise.reject(new Error('not used by the evaluator'));
  }
  insert(table: string, rows: readonly object[]): Promise<void> {
    this.inserts.push({ table, rows });
    return Promise.resolve();
  }
  /** The incidents saved, the newest version of each. */
  incidents(): Array<Record<string, unknown>> {
    const latest = new Map<string, Record<string, unknown>>();
    for (const i of this.inserts)
      if (i.table === 'alert_incidents')
        for (const r of i.rows as Array<Record<string, unknown>>) latest.set(String(r.id), r);
    return [...latest.values()];
  }
  query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    if (sql.includes('min(minute)')) return Promise.resolve([{ t: this.dataStart, n: 1 }] as T[]);
    if (sql.includes('FROM brand_minutely')) {
      const from = Math.max(Number(params.from) * 1000, this.dataStart);
      return Promise.resolve(this.minuteRows(params, from, Number(params.to) * 1000) as T[]);
    }
    if (sql.includes('FROM alert_incidents'))
      return Promise.resolve(
        this.incidents().filter(
          (r) =>
            (params.id === undefined || r.id === params.id) &&
            (!params.rule || r.rule_id === params.rule) &&
            (!params.state || r.state === params.state) &&
            (!params.active || r.state !== 'resolved'),
        ) as T[],
      );
    return Promise.resolve([]); // no API rules, no context
  }
}
