import type { Store } from '../port.ts';
import { fromClickHouseTime, toClickHouseTime } from '../time.ts';
import { netSentiment, type SentimentCounts } from './metrics.ts';

export interface BrandHealthQuery {
  workspace: string;
  brand: string;
  from: Date;
  to: Date;
  /** Bucket width in seconds. */
  intervalSeconds: number;
}

export interface HealthPoint extends SentimentCounts {
  t: string;
  volume: number;
  net_sentiment: number | null;
}

export interface BrandHealth {
  series: HealthPoint[];
  totals: Omit<HealthPoint, 't'>;
}

interface Bucket {
  t: string;
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
}

/**
 * Volume and sentiment of one brand per time bucket, with totals. Buckets without mentions
 * are filled with zeros so charts do not draw lines across gaps.
 */
export async function brandHealth(store: Store, q: BrandHealthQuery): Promise<BrandHealth> {
  const rows = await store.query<Bucket>(
    `SELECT
        toStartOfInterval(created_at, toIntervalSecond({step:UInt32}), 'UTC') AS t,
        count() AS volume,
        countIf(sentiment_label = 'pos') AS positive,
        countIf(sentiment_label = 'neu') AS neutral,
        countIf(sentiment_label = 'neg') AS negative
      FROM brand_mentions FINAL
      WHERE workspace = {workspace:String} AND brand = {brand:String}
        AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
      GROUP BY t
      ORDER BY t`,
    {
      step: q.intervalSeconds,
      workspace: q.workspace,
      brand: q.brand,
      from: toClickHouseTime(q.from),
      to: toClickHouseTime(q.to),
    },
  );
  const byStart = new Map(rows.map((r) => [fromClickHouseTime(r.t).getTime(), r]));
  const stepMs = q.intervalSeconds * 1000;
  const series: HealthPoint[] = [];
  const totals = { volume: 0, positive: 0, neutral: 0, negative: 0 };
  for (let t = Math.floor(q.from.getTime() / stepMs) * stepMs; t < q.to.getTime(); t += stepMs) {
    const r = byStart.get(t);
    const point = {
      volume: Number(r?.volume ?? 0),
      positive: Number(r?.positive ?? 0),
      neutral: Number(r?.neutral ?? 0),
      negative: Number(r?.negative ?? 0),
    };
    totals.volume += point.volume;
    totals.positive += point.positive;
    totals.neutral += point.neutral;
    totals.negative += point.negative;
    series.push({ t: new Date(t).toISOString(), ...point, net_sentiment: netSentiment(point) });
  }
  return { series, totals: { ...totals, net_sentiment: netSentiment(totals) } };
}
