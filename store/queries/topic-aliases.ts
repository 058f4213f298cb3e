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
