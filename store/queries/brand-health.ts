import { bucketStarts, type Calendar } from '../../core/time-zone.ts';
import type { Store } from '../port.ts';
import { healthAggregate, type Scope } from './aggregate.ts';
import {
  addAggregates,
  authorsCutOf,
  previousCut,
  prorate,
  changePct,
  delta,
  EMPTY_AGGREGATE,
  engagement,
  netSentiment,
  summarize,
  type Aggregate,
  type EngagementWeights,
} from './metrics.ts';

export interface BrandHealthQuery {
  workspace: string;
  brand: string;
  /** Start of the first bucket (aligned to the interval by the caller). */
  from: Date;
  to: Date;
  intervalSeconds: number;
  /** Local days or weeks of a time zone (interval 1d or 1w), else fixed buckets on the UTC grid. */
  calendar?: Calendar | null;
  source?: string | undefined;
  lang?: string | undefined;
  weights?: EngagementWeights;
  /**
   * When the question was asked. A period that ends after it (relative ranges snap `to` up to
   * the interval grid) is compared with the same elapsed part of the previous period.
   */
  now?: Date;
}

/**
 * Brand health: volume and sentiment per bucket, totals, the previous period of the same
 * length for comparison, and the source and language mix, from one query (healthAggregate).
 * Empty buckets are zeros so charts do not draw lines across gaps.
 */
export async function brandHealth(store: Store, q: BrandHealthQuery) {
  const span = q.to.getTime() - q.from.getTime();
  const scope: Scope = {
    workspace: q.workspace,
    brands: [q.brand],
    from: q.from,
    to: q.to,
    source: q.source,
    lang: q.lang,
  };
  const both: Scope = { ...scope, from: new Date(q.from.getTime() - span) };
  // Like for like: the current period holds data only until now, so the previous one counts
  // only until the same offset (`cut`), the bucket the cut falls in prorated (previousCut).
  // Distinct authors cannot be prorated: their cut snaps to the author sketches (authorsCutOf).
  const cut = previousCut(q.from, q.to, q.now);
  const authorsCut = new Date(authorsCutOf(cut, q.from.getTime(), span));
  const sums = await healthAggregate(
    store,
    both,
    q.from,
    q.intervalSeconds,
    authorsCut,
    q.calendar ?? null,
  );
  const authors = sums.authors;
  const fromMs = q.from.getTime();
  const step = q.intervalSeconds * 1000;
  let total = EMPTY_AGGREGATE;
  let prev = EMPTY_AGGREGATE;
  for (const [t, a] of sums.buckets) {
    const start = Date.parse(t);
    if (start >= fromMs) total = addAggregates(total, a);
    else if (start + step <= cut) prev = addAggregates(prev, a);
    else if (start < cut) prev = addAggregates(prev, prorate(a, (cut - start) / step));
  }
  const series = [];
  for (const t of bucketStarts(fromMs, q.to.getTime(), step, q.calendar ?? null)) {
    const key = new Date(t).toISOString();
    const a: Aggregate = sums.buckets.get(key) ?? EMPTY_AGGREGATE;
    series.push({
      t: key,
      volume: a.volume,
      positive: a.positive,
      neutral: a.neutral,
      negative: a.negative,
      unscored: a.unscored,
      net_sentiment: netSentiment(a),
      engagement: engagement(a, q.weights),
    });
  }
  const totals = { ...summarize(total, q.weights), unique_authors: authors.current };
  const previousTotals = { ...summarize(prev, q.weights), unique_authors: authors.previous };
  const volumes = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    series,
    totals,
    previous: previousTotals,
    change: {
      volume_pct: changePct(totals.volume, previousTotals.volume),
      net_sentiment_delta: delta(totals.net_sentiment, previousTotals.net_sentiment),
      negative_share_delta: delta(totals.negative_share, previousTotals.negative_share),
      engagement_pct: changePct(totals.engagement, previousTotals.engagement),
    },
    mix: {
      sources: volumes(sums.sources).map(([source, volume]) => ({
        source,
        volume,
      })),
      languages: volumes(sums.languages).map(([lang, volume]) => ({
        lang,
        volume,
      })),
    },
  };
}
