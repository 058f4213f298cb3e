/**
 * A mention's engagement now: its stored row's, raised by the totals recorded later
 * (`engagement_updates`, migration 0011; store/sink/engagement.ts). Queries that show or rank
 * single mentions join this; the rollups already carry the growth.
 */

/**
 * Per mention id, the highest totals recorded after it was stored, over the rows `where`
 * selects (a WHERE over workspace, brand, created_at, source and lang: the scope of the
 * question, so the subquery reads only its part of the table).
 */
export function recordedEngagement(where: string): string {
  return `(SELECT mention_id, max(likes_total) AS likes, max(reposts_total) AS reposts,
      max(replies_total) AS replies, max(views_total) AS views
    FROM engagement_updates WHERE ${where} GROUP BY mention_id)`;
}

/**
 * Current likes, reposts and replies of `row` (an alias with the stored columns) joined LEFT to
 * `recordedEngagement` as `rec` (a mention without updates joins zeros).
 */
export function currentEngagement(row: string, rec: string) {
  return {
    likes: `greatest(${row}.likes, ${rec}.likes)`,
    reposts: `greatest(${row}.reposts, ${rec}.reposts)`,
    replies: `greatest(${row}.replies, ${rec}.replies)`,
  };
}
