import type { QueryParams, Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';
import {
  correctedLabels,
  mentionWhere,
  scopeWhere,
  seenLabel,
  type MentionFilters,
} from './filters.ts';
import { changePct, previousCut, share } from './metrics.ts';
import { resolvedTopic, survivingLabel, TOPIC_ALIASES } from './topic-aliases.ts';

interface TopicRow {
  id: string;
  label: string;
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
  /** Mentions of the topic in the period of the same length before. */
  previous: number;
}

/**
 * Topic counts of the period and of the period of the same length before, in one query (one
 * scan, and the previous volume is exact for every topic of the period). Reads the coarsest
 * table that answers: `brand_topic_totals_hourly` (no source × language split) for hour-aligned
 * unfiltered ranges, `brand_topics_hourly` when filtered by source or language, raw rows with
 * FINAL for other filters or ranges off the hour grid.
 */
async function topicCounts(
  store: Store,
  f: MentionFilters,
  limit: number,
  now?: Date,
): Promise<{ rows: TopicRow[]; rollup: boolean }> {
  const span = f.to.getTime() - f.from.getTime();
  // Like for like (as brand health): a period still filling is compared with the previous one
  // up to the same offset; on a rollup the hour the cut falls in is prorated.
  const cut = previousCut(f.from, f.to, now);
  const both = { ...f, from: new Date(f.from.getTime() - span) };
  const rollup =
    both.from.getTime() % 3_600_000 === 0 &&
    f.to.getTime() % 3_600_000 === 0 &&
    f.sentiment === undefined &&
    f.topic === undefined &&
    f.q === undefined &&
    f.tag === undefined &&
    f.bookmarked === undefined &&
    f.hidden === undefined;
  const time = rollup ? 'hour' : 'created_at';
  const { where, params } = rollup ? rollupWhere(both) : mentionWhere(both);
  const current = `${time} >= {current_from:DateTime64(3, 'UTC')}`;
  // What of the previous period counts: before the cut (before the cut's hour on a rollup,
  // plus that hour's share `cut_share`).
  const previous = `${time} < {previous_to:DateTime64(3, 'UTC')}`;
  const previousTo = rollup ? Math.floor(cut / 3_600_000) * 3_600_000 : cut;
  const inCutHour = `hour = {previous_to:DateTime64(3, 'UTC')}`;
  // Aliases differ from the rollup's column names, so `volume` inside sumIf is the column.
  const measures = rollup
    ? `sumIf(volume, ${current}) AS n, sumIf(positive, ${current}) AS n_pos,
       sumIf(neutral, ${current}) AS n_neu, sumIf(negative, ${current}) AS n_neg,
       sumIf(volume, ${previous}) + round(sumIf(volume, ${inCutHour}) * {cut_share:Float64}) AS n_previous`
    : `countIf(${current}) AS n, countIf(${current} AND ${seenLabel} = 'pos') AS n_pos,
       countIf(${current} AND ${seenLabel} = 'neu') AS n_neu,
       countIf(${current} AND ${seenLabel} = 'neg') AS n_neg, countIf(${previous}) AS n_previous`;
  const from = rollup
    ? f.source === undefined && f.lang === undefined
      ? 'brand_topic_totals_hourly'
      : 'brand_topics_hourly'
    : `brand_mentions FINAL ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
       LEFT JOIN ${correctedLabels} AS c ON c.corrected_id = mention_id`;
  const rows = await store.query<Record<string, string | number>>(
    `WITH ${TOPIC_ALIASES}
     SELECT ${resolvedTopic('topic_id')} AS id, ${survivingLabel('topic_id', 'topic_label', time, current)} AS label, ${measures}
     FROM ${from}
     WHERE ${where}
     GROUP BY id
     HAVING n > 0
     ORDER BY n DESC, id
     LIMIT {limit:UInt32}`,
    {
      ...params,
      current_from: toClickHouseTime(f.from),
      previous_to: toClickHouseTime(new Date(previousTo)),
      cut_share: (cut - previousTo) / 3_600_000,
      limit,
    },
  );
  return {
    rollup,
    rows: rows.map((r) => ({
      id: String(r.id),
      label: String(r.label),
      volume: Number(r.n),
      positive: Number(r.n_pos),
      neutral: Number(r.n_neu),
      negative: Number(r.n_neg),
      previous: Number(r.n_previous),
    })),
  };
}

/**
 * The languages of each of `ids`' mentions in the period, most mentions first: one topic can
 * tell one story in several languages (enrich/topics/embed-merge.ts), and the list says which.
 * Only for the topics shown (a few), from the language-split rollup or the raw rows.
 */
async function topicLanguages(
  store: Store,
  f: MentionFilters,
  rollup: boolean,
  ids: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const { where, params } = rollup ? rollupWhere(f) : mentionWhere(f);
  const rows = await store.query<{ id: string; lang: string; n: string | number }>(
    `WITH ${TOPIC_ALIASES}
     SELECT ${resolvedTopic('topic_id')} AS id, lang, ${rollup ? 'sum(volume)' : 'count()'} AS n
     FROM ${rollup ? 'brand_topics_hourly' : 'brand_mentions FINAL ARRAY JOIN topic_ids AS topic_id'}
     WHERE ${where} AND id IN {topic_ids:Array(String)}
     GROUP BY id, lang
     HAVING n > 0
     ORDER BY n DESC, lang`,
    { ...params, topic_ids: ids },
  );
  for (const r of rows) {
    const langs = out.get(String(r.id)) ?? [];
    langs.push(String(r.lang));
    out.set(String(r.id), langs);
  }
  return out;
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
  options: { limit: number; minVolume: number; now?: Date },
) {
  const { rows: current, rollup } = await topicCounts(store, f, 500, options.now);
  const top = current.slice(0, options.limit).map((t) => ({
    id: t.id,
    label: t.label,
    volume: t.volume,
    negative_share: share(t.negative, t),
  }));
  const trending = current
    .filter((t) => t.volume >= options.minVolume)
    .map((t) => {
      const prev = t.previous;
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
  const langs = await topicLanguages(store, f, rollup, [
    ...new Set([...top, ...trending].map((t) => t.id)),
  ]);
  const withLangs = <T extends { id: string }>(t: T) => ({ ...t, langs: langs.get(t.id) ?? [] });
  return { top: top.map(withLangs), trending: trending.map(withLangs) };
}
