import type { Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';

/**
 * Topic merges, read where they are recorded. The enrich stage's clusterer merges two topics
 * that turn out to tell one story (enrich/topics/cluster.ts): the bigger keeps its id and the
 * other id becomes an alias of it (flattened, bounded), which the stage saves with its state in
 * `enrich_state` under `<prefix>:topic-aliases` (enrich/pipeline/state.ts). Mentions stored before the merge still carry the old id, so every query that
 * groups or filters by topic maps ids through these aliases: one story is one topic in the
 * charts and lists, also over history stored before the merge. An alias maps one brand's topic
 * id to another topic of the same brand, so it never brings another brand's rows in.
 */

/** One row per alias, `a` = (old id, id it merged into), from every enrich process's snapshot. */
const ALIAS_ROWS = `(SELECT arrayJoin(JSONExtract(argMax(value, updated_at),
    'Array(Tuple(String, String))')) AS a
  FROM enrich_state WHERE endsWith(key, ':topic-aliases') GROUP BY key)`;

/** `WITH` item naming the aliases `topic_aliases`: (old ids, new ids), for `resolvedTopic`. */
export const TOPIC_ALIASES = `(SELECT (groupArray(a.1), groupArray(a.2)) FROM ${ALIAS_ROWS}) AS topic_aliases`;

/** `column`'s topic id after merges (needs `TOPIC_ALIASES` in the query's WITH). */
export function resolvedTopic(column: string): string {
  return `transform(${column}, topic_aliases.1, topic_aliases.2, ${column})`;
}

/** A mention-level clause: the mention is in topic `param` or in a topic merged into it. */
export function inTopic(param: string): string {
  return `hasAny(topic_ids, arrayPushFront((SELECT groupArray(a.1) FROM ${ALIAS_ROWS} WHERE a.2 = {${param}:String}), {${param}:String}))`;
}

/**
 * In a query grouped by `resolvedTopic(topic)` AS `id`: the group's label, the newest of those
 * stored under the surviving id itself, before any stored under an id merged into it (the
 * absorbed topic's own label), so a merged story reads as the topic it merged into. `first`: a
 * condition whose rows come before all others (the period shown, in a query that also reads
 * the period before). With no merge it is the topic's newest label.
 */
export function survivingLabel(topic: string, label: string, time: string, first?: string): string {
  return `argMax(${label}, (${first === undefined ? '' : `${first}, `}${topic} = id, ${time}))`;
}

/**
 * The labels `survivingLabel` gives the surviving topics `ids` of a brand over a period: the
 * newest stored under each id in the hours of the period, from the topic rollup. For the few
 * topics on a feed page that old mentions reached through an alias; an id without mentions of
 * its own in the period is not in the map (its mentions keep their own label, as in the lists).
 */
export async function survivingLabels(
  store: Store,
  f: { workspace: string; brand: string; from: Date; to: Date },
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<{ topic_id: string; label: string }>(
    `SELECT topic_id, argMax(topic_label, hour) AS label
     FROM brand_topic_totals_hourly
     WHERE workspace = {workspace:String} AND brand = {brand:String}
       AND hour >= toStartOfHour({from:DateTime64(3, 'UTC')}) AND hour < {to:DateTime64(3, 'UTC')}
       AND topic_id IN {ids:Array(String)}
     GROUP BY topic_id`,
    {
      workspace: f.workspace,
      brand: f.brand,
      from: toClickHouseTime(f.from),
      to: toClickHouseTime(f.to),
      ids: [...ids],
    },
  );
  return new Map(rows.map((r) => [r.topic_id, r.label]));
}
