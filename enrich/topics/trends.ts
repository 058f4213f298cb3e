import { HOUR_MS } from '../../core/duration.ts';
import type { Cluster } from './model.ts';
import type { TrendingOptions, TrendingTopic } from './types.ts';

/** Topics growing fastest against the previous period, from their clusters' hourly counts. */
export function trendingTopics(
  clusters: Cluster[],
  options: TrendingOptions,
  label: (c: Cluster) => string,
): TrendingTopic[] {
  const now = typeof options.now === 'string' ? Date.parse(options.now) : options.now.getTime();
  const period = options.periodHours ?? 24;
  const minVolume = options.minVolume ?? 10;
  // Hour buckets [h, h+1) that start before `now` (the current, partial hour included).
  const endHour = Math.ceil(now / HOUR_MS);
  const out: TrendingTopic[] = [];
  for (const c of clusters) {
    let current = 0;
    let previous = 0;
    for (const [h, n] of c.buckets) {
      const age = endHour - 1 - h; // 0 = the hour that contains (or ends at) `now`
      if (age < 0) continue;
      if (age < period) current += n;
      else if (age < 2 * period) previous += n;
    }
    if (current < minVolume) continue;
    out.push({
      id: c.id,
      label: label(c),
      current,
      previous,
      growth: (current - previous) / Math.max(previous, 1),
    });
  }
  return out
    .sort((a, b) => b.growth - a.growth || b.current - a.current)
    .slice(0, options.limit ?? 10);
}
