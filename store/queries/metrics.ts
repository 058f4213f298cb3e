import { DAY_MS, HOUR_MS } from '../../core/duration.ts';
/**
 * Metric definitions, each a documented formula. Every query and route that reports one of
 * these calls the function here, so a number means the same thing everywhere (API, UI,
 * alerts, digests). Hand-computed fixtures in metrics.test.ts pin each definition.
 */

export interface SentimentCounts {
  positive: number;
  neutral: number;
  negative: number;
}

/** Raw sums over a set of (mention, brand) rows; everything else is derived from these. */
export interface Aggregate extends SentimentCounts {
  volume: number;
  unscored: number;
  likes: number;
  reposts: number;
  replies: number;
  /** Sum of author followers where the source tells them. */
  followers: number;
}

export const EMPTY_AGGREGATE: Aggregate = {
  volume: 0,
  positive: 0,
  neutral: 0,
  negative: 0,
  unscored: 0,
  likes: 0,
  reposts: 0,
  replies: 0,
  followers: 0,
};

export interface EngagementWeights {
  likes: number;
  reposts: number;
  replies: number;
}

/** Engagement = likes + reposts + replies, each with a weight (1 by default). */
export const DEFAULT_ENGAGEMENT_WEIGHTS: EngagementWeights = { likes: 1, reposts: 1, replies: 1 };

/** Scored mentions: pos + neu + neg. `unscored` mentions count in volume, never in sentiment. */
export function scored({ positive, neutral, negative }: SentimentCounts): number {
  return positive + neutral + negative;
}

/** Share of one label among scored mentions, in [0, 1]; null when nothing was scored. */
export function share(count: number, counts: SentimentCounts): number | null {
  const n = scored(counts);
  return n === 0 ? null : round4(count / n);
}

/** Net sentiment = (pos − neg) / (pos + neu + neg), in [-1, 1]; null when nothing was scored. */
export function netSentiment(counts: SentimentCounts): number | null {
  const n = scored(counts);
  return n === 0 ? null : round4((counts.positive - counts.negative) / n);
}

/** Polar net sentiment = (pos − neg) / (pos + neg): ignores neutral mentions; null without any. */
export function netSentimentPolar({ positive, negative }: SentimentCounts): number | null {
  const n = positive + negative;
  return n === 0 ? null : round4((positive - negative) / n);
}

export function engagement(
  a: Pick<Aggregate, 'likes' | 'reposts' | 'replies'>,
  w: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS,
): number {
  return round4(a.likes * w.likes + a.reposts * w.reposts + a.replies * w.replies);
}

/**
 * Reach estimate = sum of author followers over the mentions, where the source tells them.
 * An estimate and an upper bound of people reached: audiences overlap, an author posting twice
 * counts twice, and authors without a follower count add nothing.
 */
export function reachEstimate(a: Pick<Aggregate, 'followers'>): number {
  return a.followers;
}

/** Share of voice = brand volume / volume of the whole brand set; null when the set is silent. */
export function shareOfVoice(brandVolume: number, setVolume: number): number | null {
  return setVolume === 0 ? null : round4(brandVolume / setVolume);
}

/** Relative change in percent vs the previous period; null when the previous value is 0. */
export function changePct(current: number, previous: number): number | null {
  return previous === 0 ? null : round4(((current - previous) / previous) * 100);
}

/** Difference of two nullable ratios (e.g. net sentiment now − before). */
export function delta(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : round4(current - previous);
}

/**
 * 95 % Wilson score interval for a proportion k/n: unlike the normal approximation it stays
 * inside [0, 1] and behaves for small n and shares near 0 or 1. Null when n = 0.
 */
export function wilson(k: number, n: number, z = 1.959964): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [round4(Math.max(0, centre - margin)), round4(Math.min(1, centre + margin))];
}

export function addAggregates(a: Aggregate, b: Aggregate): Aggregate {
  return {
    volume: a.volume + b.volume,
    positive: a.positive + b.positive,
    neutral: a.neutral + b.neutral,
    negative: a.negative + b.negative,
    unscored: a.unscored + b.unscored,
    likes: a.likes + b.likes,
    reposts: a.reposts + b.reposts,
    replies: a.replies + b.replies,
    followers: a.followers + b.followers,
  };
}

/** The totals block of the API, derived from an aggregate. */
export function summarize(a: Aggregate, weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS) {
  return {
    volume: a.volume,
    positive: a.positive,
    neutral: a.neutral,
    negative: a.negative,
    unscored: a.unscored,
    positive_share: share(a.positive, a),
    neutral_share: share(a.neutral, a),
    negative_share: share(a.negative, a),
    net_sentiment: netSentiment(a),
    net_sentiment_polar: netSentimentPolar(a),
    engagement: engagement(a, weights),
    reach_estimate: reachEstimate(a),
  };
}

export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Where the previous period stops counting so that it compares like for like with [from, to)
 * asked at `now`: a relative range snaps `to` up to the interval grid, past now, and the
 * current period holds data only until now, so the previous one counts only up to the same
 * offset. `from` when the period is over (or `now` is unknown).
 */
export function previousCut(from: Date, to: Date, now: Date | undefined): number {
  const nowMs = now?.getTime() ?? Number.POSITIVE_INFINITY;
  const fromMs = from.getTime();
  return nowMs > fromMs && nowMs < to.getTime() ? fromMs - (to.getTime() - nowMs) : fromMs;
}

const QUARTER_MS = 15 * 60_000;

/**
 * Where a distinct count of the previous period stops, for a like-for-like `cut`: distinct
 * authors cannot be prorated, so the cut moves to the nearest boundary of the author sketches,
 * the hour for a period of a day or more (an error of at most 1/48 of it; quarter hours would
 * add a read of the split 15-minute sketches, +50 % on a health call), else the quarter hour.
 * A period off that grid is read from raw rows anyway, so it is cut exactly.
 */
export function authorsCutOf(cut: number, fromMs: number, span: number): number {
  for (const grain of span >= DAY_MS ? [HOUR_MS, QUARTER_MS] : [QUARTER_MS]) {
    if (fromMs % grain === 0 && span % grain === 0) return Math.round(cut / grain) * grain;
  }
  return cut;
}

/**
 * The share `f` of a bucket's counts, for the bucket a cut falls in: rollups have no finer
 * grain, and a raw-row read of it would cost more than the whole rest of the question (25 →
 * 60 ms per health call at 10 M mentions). Counts are rounded, volume kept their sum.
 */
export function prorate(a: Aggregate, f: number): Aggregate {
  const part = (x: number) => Math.round(x * f);
  const positive = part(a.positive);
  const neutral = part(a.neutral);
  const negative = part(a.negative);
  const unscored = part(a.unscored);
  return {
    volume: positive + neutral + negative + unscored,
    positive,
    neutral,
    negative,
    unscored,
    likes: part(a.likes),
    reposts: part(a.reposts),
    replies: part(a.replies),
    followers: part(a.followers),
  };
}
