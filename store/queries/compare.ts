import { bucketStarts, type Calendar } from '../../core/time-zone.ts';
import type { Store } from '../port.ts';
import { toClickHouseTime, fromClickHouseTime } from '../time.ts';
import { aggregate, type Scope } from './aggregate.ts';
import { currentEngagement, recordedEngagement } from './engagement.ts';
import {
  addAggregates,
  changePct,
  delta,
  DEFAULT_ENGAGEMENT_WEIGHTS,
  EMPTY_AGGREGATE,
  engagement,
  netSentiment,
  previousCut,
  prorate,
  reachEstimate,
  share,
  shareOfVoice,
  wilson,
  type Aggregate,
  type EngagementWeights,
} from './metrics.ts';
import {
  meanWithInterval,
  poissonRateTest,
  twoProportionTest,
  welchTest,
  type Moments,
  type TestResult,
} from './significance.ts';

export interface CompareQuery {
  workspace: string;
  brands: Array<{ id: string; name: string }>;
  from: Date;
  to: Date;
  intervalSeconds: number;
  /** Local days or weeks (interval 1d or 1w in a reporting time zone), else fixed buckets. */
  calendar?: Calendar | null;
  weights?: EngagementWeights;
  /** When the question was asked: the previous period counts only the same elapsed time. */
  now?: Date;
}

const EMPTY_MOMENTS: Moments = { n: 0, sum: 0, sumSquares: 0 };

/**
 * Brands side by side: share of voice, sentiment shares with 95 % Wilson intervals, engagement
 * per mention with a 95 % t interval, engagement and reach; per bucket the volume, share of
 * voice and net sentiment of each brand. And the answers a reader wants from it: for each metric
 * whether a brand differs from the first brand named (the reference, usually one's own) and
 * from its own previous period, at 95 % (store/queries/significance.ts), and the time the data
 * starts when the range reaches back before it (`coverage`).
 */
export async function compareBrands(store: Store, q: CompareQuery) {
  const ids = q.brands.map((b) => b.id);
  const span = q.to.getTime() - q.from.getTime();
  const previousFrom = new Date(q.from.getTime() - span);
  // Both periods in one query grouped by brand × bucket; totals are folded from it. The previous
  // period counts only the elapsed part of the current one (like brand health: previousCut).
  const scope: Scope = { workspace: q.workspace, brands: ids, from: previousFrom, to: q.to };
  const cut = previousCut(q.from, q.to, q.now);
  const [buckets, moments, since] = await Promise.all([
    aggregate(store, scope, { bucketSeconds: q.intervalSeconds, calendar: q.calendar ?? null }),
    engagementMoments(store, q, previousFrom, cut),
    dataSince(store, q.workspace, ids),
  ]);
  const fromMs = q.from.getTime();
  const step = q.intervalSeconds * 1000;
  const current = new Map<string, Aggregate>();
  const previous = new Map<string, Aggregate>();
  for (const b of buckets) {
    const start = Date.parse(b.t);
    const add = (m: Map<string, Aggregate>, a: Aggregate) =>
      m.set(b.brand, addAggregates(m.get(b.brand) ?? EMPTY_AGGREGATE, a));
    if (start >= fromMs) add(current, b);
    else if (start + step <= cut) add(previous, b);
    else if (start < cut) add(previous, prorate(b, (cut - start) / step));
  }
  const setVolume = (m: Map<string, Aggregate>) =>
    [...m.values()].reduce((s, a) => s + a.volume, 0);
  const setNow = setVolume(current);
  const setBefore = setVolume(previous);

  const figures = (m: Map<string, Aggregate>, set: number, id: string, mo: Moments) => {
    const a = m.get(id) ?? EMPTY_AGGREGATE;
    const scoredN = a.positive + a.neutral + a.negative;
    return {
      a,
      scoredN,
      volume: a.volume,
      share_of_voice: { value: shareOfVoice(a.volume, set), ci95: wilson(a.volume, set) },
      positive_share: { value: share(a.positive, a), ci95: wilson(a.positive, scoredN) },
      negative_share: { value: share(a.negative, a), ci95: wilson(a.negative, scoredN) },
      net_sentiment: netSentiment(a),
      engagement: engagement(a, q.weights),
      engagement_per_mention: meanWithInterval(mo),
      reach_estimate: reachEstimate(a),
    };
  };

  const ref = ids[0]!;
  const refNow = figures(current, setNow, ref, moments.current.get(ref) ?? EMPTY_MOMENTS);
  const brands = q.brands.map(({ id, name }) => {
    const momNow = moments.current.get(id) ?? EMPTY_MOMENTS;
    const momBefore = moments.previous.get(id) ?? EMPTY_MOMENTS;
    const now = figures(current, setNow, id, momNow);
    const before = figures(previous, setBefore, id, momBefore);
    const { a, scoredN, ...shown } = now;
    const { a: pa, scoredN: pScoredN, ...shownBefore } = before;
    return {
      brand: id,
      name,
      ...shown,
      previous: shownBefore,
      change: {
        volume_pct: changePct(a.volume, pa.volume),
        share_of_voice_delta: delta(shown.share_of_voice.value, shownBefore.share_of_voice.value),
        positive_share_delta: delta(shown.positive_share.value, shownBefore.positive_share.value),
        negative_share_delta: delta(shown.negative_share.value, shownBefore.negative_share.value),
        net_sentiment_delta: delta(shown.net_sentiment, shownBefore.net_sentiment),
        engagement_per_mention_pct:
          shownBefore.engagement_per_mention.value === null ||
          shown.engagement_per_mention.value === null
            ? null
            : changePct(
                shown.engagement_per_mention.value,
                shownBefore.engagement_per_mention.value,
              ),
      },
      /** Against its own previous period (equal elapsed time, so equal exposure for volume). */
      vs_previous: {
        volume: poissonRateTest(a.volume, 1, pa.volume, 1),
        share_of_voice: twoProportionTest(a.volume, setNow, pa.volume, setBefore),
        positive_share: twoProportionTest(a.positive, scoredN, pa.positive, pScoredN),
        negative_share: twoProportionTest(a.negative, scoredN, pa.negative, pScoredN),
        engagement_per_mention: welchTest(momNow, momBefore),
      },
      /** Against the reference brand (the first named); null for the reference itself. */
      vs_reference:
        id === ref
          ? null
          : {
              brand: ref,
              volume: poissonRateTest(a.volume, 1, refNow.volume, 1),
              positive_share: twoProportionTest(
                a.positive,
                scoredN,
                refNow.a.positive,
                refNow.scoredN,
              ),
              negative_share: twoProportionTest(
                a.negative,
                scoredN,
                refNow.a.negative,
                refNow.scoredN,
              ),
              engagement_per_mention: welchTest(momNow, moments.current.get(ref) ?? EMPTY_MOMENTS),
            },
    };
  });

  const cell = new Map(buckets.map((b) => [`${b.t}|${b.brand}`, b]));
  const series = [];
  for (const t of bucketStarts(fromMs, q.to.getTime(), step, q.calendar ?? null)) {
    const key = new Date(t).toISOString();
    const volumes: Record<string, number> = {};
    const sentiment: Record<string, number | null> = {};
    for (const id of ids) {
      const a = cell.get(`${key}|${id}`) ?? EMPTY_AGGREGATE;
      volumes[id] = a.volume;
      sentiment[id] = netSentiment(a);
    }
    const bucketTotal = Object.values(volumes).reduce((s, v) => s + v, 0);
    const sov: Record<string, number | null> = {};
    for (const id of ids) sov[id] = shareOfVoice(volumes[id]!, bucketTotal);
    series.push({ t: key, volumes, share_of_voice: sov, net_sentiment: sentiment });
  }
  const dataSinceIso = since === null ? null : since.toISOString();
  return {
    reference: ref,
    brands,
    series,
    coverage: {
      /** The first stored mention of these brands (any time), or null for none. */
      data_since: dataSinceIso,
      /** False when the range starts before the data does: "Last 7 days" may hold fewer. */
      complete: since !== null && since.getTime() <= q.from.getTime(),
      previous_complete: since !== null && since.getTime() <= previousFrom.getTime(),
    },
  };
}

/** The verdicts of a brand, for callers that list them (reports, exports). */
export type CompareBrand = Awaited<ReturnType<typeof compareBrands>>['brands'][number];
export type { TestResult };

/**
 * Per brand and period: the number of mentions, Σ engagement and Σ engagement², engagement as
 * now (the stored row's, raised by later refreshes) with the configured weights: the moments of
 * the t interval and Welch's test (significance.ts says why a t interval).
 */
async function engagementMoments(
  store: Store,
  q: CompareQuery,
  previousFrom: Date,
  cut: number,
): Promise<{ current: Map<string, Moments>; previous: Map<string, Moments> }> {
  const w = q.weights ?? DEFAULT_ENGAGEMENT_WEIGHTS;
  const now = currentEngagement('b', 'rec');
  const where = `workspace = {workspace:String} AND brand IN {brands:Array(String)}
    AND created_at >= {pfrom:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}`;
  const e = `(${now.likes} * {wl:Float64} + ${now.reposts} * {wr:Float64} + ${now.replies} * {wp:Float64})`;
  const rows = await store.query<{
    brand: string;
    period: number;
    n: number;
    s: number;
    ss: number;
  }>(
    `SELECT toString(b.brand) AS brand,
            multiIf(b.created_at >= {from:DateTime64(3, 'UTC')}, 1, b.created_at < {cut:DateTime64(3, 'UTC')}, 0, 2) AS period,
            count() AS n, sum(${e}) AS s, sum(${e} * ${e}) AS ss
     FROM (SELECT brand, mention_id, created_at, likes, reposts, replies
           FROM brand_mentions FINAL WHERE ${where}) AS b
     LEFT JOIN ${recordedEngagement(where)} AS rec ON rec.mention_id = b.mention_id
     GROUP BY brand, period`,
    {
      workspace: q.workspace,
      brands: q.brands.map((b) => b.id),
      pfrom: toClickHouseTime(previousFrom),
      from: toClickHouseTime(q.from),
      to: toClickHouseTime(q.to),
      cut: toClickHouseTime(new Date(cut)),
      wl: w.likes,
      wr: w.reposts,
      wp: w.replies,
    },
  );
  const current = new Map<string, Moments>();
  const previous = new Map<string, Moments>();
  for (const r of rows) {
    const m = { n: Number(r.n), sum: Number(r.s), sumSquares: Number(r.ss) };
    if (Number(r.period) === 1) current.set(r.brand, m);
    else if (Number(r.period) === 0) previous.set(r.brand, m);
  }
  return { current, previous };
}

/**
 * The first hour holding a mention of any of the brands, or null: from the hourly rollup (one
 * small read; the hour is precise enough to say "data since Nov 20, 14:00").
 */
async function dataSince(store: Store, workspace: string, brands: string[]): Promise<Date | null> {
  const [row] = await store.query<{ first: string | null }>(
    `SELECT if(count() = 0, NULL, min(hour)) AS first FROM brand_totals_hourly
     WHERE workspace = {workspace:String} AND brand IN {brands:Array(String)}`,
    { workspace, brands },
  );
  return row?.first ? fromClickHouseTime(row.first) : null;
}
