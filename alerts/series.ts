/**
 * Per-minute counts of one brand (and its competitors, for share of voice), held densely with
 * prefix sums so any window sum is O(1). The detector evaluates every minute over weeks of
 * history; summing raw buckets each time would be O(window × samples) per evaluation.
 */

export const MINUTE_MS = 60_000;

export interface Counts {
  /** Every mention in the window (scored or not). */
  total: number;
  pos: number;
  neu: number;
  neg: number;
  /** Mentions of the competitor set in the same window (share of voice). */
  competitors: number;
}

export interface MinuteRow {
  /** Start of the minute, epoch ms. */
  t: number;
  total: number;
  pos: number;
  neu: number;
  neg: number;
  competitors?: number;
}

const FIELDS = ['total', 'pos', 'neu', 'neg', 'competitors'] as const;

export class MinuteSeries {
  /** Prefix sums: `prefix[f][i]` = sum of the first i minutes. */
  private readonly prefix: Record<(typeof FIELDS)[number], Float64Array>;

  /**
   * @param startMs first minute held (inclusive, minute-aligned)
   * @param endMs end of what is held (exclusive, minute-aligned)
   * @param dataStartMs the first moment the store has any data for this workspace: windows
   *   before it are "unknown", not "zero", and are never used as baseline samples.
   */
  constructor(
    readonly startMs: number,
    readonly endMs: number,
    rows: readonly MinuteRow[],
    readonly dataStartMs: number = startMs,
  ) {
    if (startMs % MINUTE_MS !== 0 || endMs % MINUTE_MS !== 0)
      throw new Error('series bounds must be whole minutes');
    const n = Math.max(0, (endMs - startMs) / MINUTE_MS);
    const raw = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(n)])) as Record<
      (typeof FIELDS)[number],
      Float64Array
    >;
    for (const r of rows) {
      const i = Math.floor((r.t - startMs) / MINUTE_MS);
      if (i < 0 || i >= n) continue;
      raw.total[i]! += r.total;
      raw.pos[i]! += r.pos;
      raw.neu[i]! += r.neu;
      raw.neg[i]! += r.neg;
      raw.competitors[i]! += r.competitors ?? 0;
    }
    this.prefix = Object.fromEntries(
      FIELDS.map((f) => {
        const p = new Float64Array(n + 1);
        for (let i = 0; i < n; i++) p[i + 1] = p[i]! + raw[f][i]!;
        return [f, p];
      }),
    ) as Record<(typeof FIELDS)[number], Float64Array>;
  }

  /** True when [fromMs, toMs) lies inside the held range and after the data start. */
  covers(fromMs: number, toMs: number): boolean {
    return fromMs >= this.startMs && fromMs >= this.dataStartMs && toMs <= this.endMs;
  }

  /** Mentions in [fromMs, toMs): `sum(…).total` without the other fields (baseline screening). */
  total(fromMs: number, toMs: number): number {
    const n = this.prefix.total.length - 1;
    const a = Math.min(n, Math.max(0, Math.floor((fromMs - this.startMs) / MINUTE_MS)));
    const b = Math.min(n, Math.max(a, Math.floor((toMs - this.startMs) / MINUTE_MS)));
    return this.prefix.total[b]! - this.prefix.total[a]!;
  }

  /** Counts in [fromMs, toMs) (minute-aligned; clipped to the held range). */
  sum(fromMs: number, toMs: number): Counts {
    const n = this.prefix.total.length - 1;
    const a = Math.min(n, Math.max(0, Math.floor((fromMs - this.startMs) / MINUTE_MS)));
    const b = Math.min(n, Math.max(a, Math.floor((toMs - this.startMs) / MINUTE_MS)));
    const s = (f: (typeof FIELDS)[number]) => this.prefix[f][b]! - this.prefix[f][a]!;
    return {
      total: s('total'),
      pos: s('pos'),
      neu: s('neu'),
      neg: s('neg'),
      competitors: s('competitors'),
    };
  }
}

export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
