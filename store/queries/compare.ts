import type { Store } from '../port.ts';
import { aggregate, foldBy, type Scope } from './aggregate.ts';
import {
  EMPTY_AGGREGATE,
  engagement,
  netSentiment,
  reachEstimate,
  share,
  shareOfVoice,
  wilson,
  type Aggregate,
  type EngagementWeights,
} from './metrics.ts';

export interface CompareQuery {
  workspace: string;
  brands: Array<{ id: string; name: string }>;
  from: Date;
  to: Date;
  intervalSeconds: number;
  weights?: EngagementWeights;
}

/**
 * Brands side by side: share of voice, sentiment shares with 95 % Wilson intervals (so a
 * user can tell a real difference from noise), engagement and reach; and per bucket the
 * volume, share of voice and net sentiment of each brand.
 */
export async function compareBrands(store: Store, q: CompareQuery) {
  const ids = q.brands.map((b) => b.id);
  const scope: Scope = { workspace: q.workspace, brands: ids, from: q.from, to: q.to };
  // One query grouped by brand × bucket; the totals are folded from it.
  const buckets = await aggregate(store, scope, { bucketSeconds: q.intervalSeconds });
  const totals = [...foldBy(buckets, (r) => r.brand)].map(([brand, a]) => ({ ...a, brand }));
  const byBrand = new Map(totals.map((r) => [r.brand, r as Aggregate]));
  const setVolume = totals.reduce((s, r) => s + r.volume, 0);

  const brands = q.brands.map(({ id, name }) => {
    const a = byBrand.get(id) ?? EMPTY_AGGREGATE;
    const scoredN = a.positive + a.neutral + a.negative;
    return {
      brand: id,
      name,
      volume: a.volume,
      share_of_voice: {
        value: shareOfVoice(a.volume, setVolume),
        ci95: wilson(a.volume, setVolume),
      },
      positive_share: { value: share(a.positive, a), ci95: wilson(a.positive, scoredN) },
      negative_share: { value: share(a.negative, a), ci95: wilson(a.negative, scoredN) },
      net_sentiment: netSentiment(a),
      engagement: engagement(a, q.weights),
      reach_estimate: reachEstimate(a),
    };
  });

  const step = q.intervalSeconds * 1000;
  const cell = new Map(buckets.map((b) => [`${b.t}|${b.brand}`, b]));
  const series = [];
  for (let t = q.from.getTime(); t < q.to.getTime(); t += step) {
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
  return { brands, series };
}
