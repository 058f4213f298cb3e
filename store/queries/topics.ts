import type { QueryParams, Store } from '../port.ts';
import { mentionWhere, scopeWhere, type MentionFilters } from './filters.ts';
import { changePct, share } from './metrics.ts';

interface TopicRow {
  id: string;
  label: string;
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
}

async function topicCounts(store: Store, f: MentionFilters, limit: number): Promise<TopicRow[]> {
  // The hourly topic rollup answers hour-aligned ranges filtered at most by source and language.
  const rollup =
    f.from.getTime() % 3_600_000 === 0 &&
    f.to.getTime() % 3_600_000 === 0 &&
    f.sentiment === undefined &&
    f.topic === undefined &&
    f.q === undefined;
  const { where, params } = rollup ? rollupWhere(f) : mentionWhere(f);
  const sql = rollup
    ? `SELECT topic_id AS id, anyLast(topic_label) AS label, sum(volume) AS volume,
              sum(positive) AS positive, sum(neutral) AS neutral, sum(negative) AS negative
       FROM brand_topics_hourly
       WHERE ${where}
       GROUP BY topic_id
       ORDER BY volume DESC, id
       LIMIT {limit:UInt32}`
    : `SELECT topic_id AS id, any(topic_label) AS label, count() AS volume,
              countIf(sentiment_label = 'pos') AS positive, countIf(sentiment_label = 'neu') AS neutral,
              countIf(sentiment_label = 'neg') AS negative
       FROM brand_mentions FINAL
       ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
       WHERE ${where}
       GROUP BY topic_id
       ORDER BY volume DESC, id
       LIMIT {limit:UInt32}`;
  const rows = await store.query<TopicRow>(sql, { ...params, limit });
  return rows.map((r) => ({
    ...r,
    volume: Number(r.volume),
    positive: Number(r.positive),
    neutral: Number(r.neutral),
    negative: Number(r.negative),
  }));
}

function rollupWhere(f: MentionFilters): { where: string; params: QueryParams } {
  const { clauses, params } = scopeWhere(f, 'hour');
  return { where: clauses.join(' AND '), params };
}

/**
 * Top topics of the period, and trending ones: growth against the previous period of the same
 * length, among topics with at least `minVolume` mentions now (small counts grow "infinitely").
 */
export async function brandTopics(
  store: Store,
  f: MentionFilters,
  options: { limit: number; minVolume: number },
) {
  const span = f.to.getTime() - f.from.getTime();
  const [current, previous] = await Promise.all([
    topicCounts(store, f, 500),
    topicCounts(store, { ...f, from: new Date(f.from.getTime() - span), to: f.from }, 1000),
  ]);
  const before = new Map(previous.map((t) => [t.id, t.volume]));
  const top = current.slice(0, options.limit).map((t) => ({
    id: t.id,
    label: t.label,
    volume: t.volume,
    negative_share: share(t.negative, t),
  }));
  const trending = current
    .filter((t) => t.volume >= options.minVolume)
    .map((t) => {
      const prev = before.get(t.id) ?? 0;
      // Growth for a topic new this period is measured against 1, so it ranks high but finite.
      return {
        id: t.id,
        label: t.label,
        volume: t.volume,
        previous_volume: prev,
        growth: changePct(t.volume, Math.max(prev, 1)),
      };
    })
    .filter((t) => (t.growth ?? 0) > 0)
    .sort((a, b) => (b.growth ?? 0) - (a.growth ?? 0) || b.volume - a.volume)
    .slice(0, options.limit);
  return { top, trending };
}
