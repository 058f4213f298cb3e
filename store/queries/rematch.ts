import type { Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';

/**
 * Re-matching a brand over stored history (a new or changed watch query). The rollups can only
 * add, so re-matching must replace, never add: the brand's rows from `from` on are deleted from
 * `brand_mentions` and from every table its views fill, then the mentions that match now are
 * inserted into `brand_mentions` again, and its views rebuild the rollups from them. `from` is
 * the start of a UTC day, so daily, hourly and quarter-hourly buckets are dropped whole.
 *
 * A mention's engagement is inserted as it is now (the stored row raised by the totals the
 * refreshes recorded), since the growth rows that raised the old rollups are gone with them.
 * Its owned flag (the brand's own accounts) is kept as the enrich stage gave it.
 */

/** Tables filled from brand_mentions (and engagement_updates), with their time column. */
export const BRAND_TABLES: ReadonlyArray<readonly [string, string]> = [
  ['brand_mentions', 'created_at'],
  ['brand_hourly', 'hour'],
  ['brand_topics_hourly', 'hour'],
  ['brand_quarter_hourly', 'quarter_hour'],
  ['brand_totals_hourly', 'hour'],
  ['brand_authors_daily', 'day'],
  ['brand_topic_totals_hourly', 'hour'],
  ['brand_minutely', 'minute'],
];

export interface BrandScope {
  workspace: string;
  brand: string;
  /** The start of a UTC day (ALL_TIME: everything). */
  from: Date;
}

/** Before any mention (a mutation's condition cannot hold the epoch: it prints as "0"). */
export const ALL_TIME = new Date('2000-01-01T00:00:00Z');

/** Ids of the brand's mentions kept for its own accounts, from `from` on. */
export async function ownedMentionIds(store: Store, scope: BrandScope): Promise<string[]> {
  const rows = await store.query<{ id: string }>(
    `SELECT DISTINCT mention_id AS id FROM brand_mentions
     WHERE workspace = {ws:String} AND brand = {brand:String} AND owned
       AND created_at >= {from:DateTime64(3, 'UTC')}`,
    { ws: scope.workspace, brand: scope.brand, from: toClickHouseTime(scope.from) },
  );
  return rows.map((r) => r.id);
}

/** Delete the brand's rows from `from` on, in every table the views fill; synchronously. */
export async function deleteBrandRows(store: Store, scope: BrandScope): Promise<void> {
  for (const [table, column] of BRAND_TABLES) {
    await store.command(
      `ALTER TABLE ${table} DELETE WHERE workspace = {ws:String} AND brand = {brand:String}
         AND ${column} >= {from:DateTime64(3, 'UTC')} SETTINGS mutations_sync = 2`,
      { ws: scope.workspace, brand: scope.brand, from: toClickHouseTime(scope.from) },
    );
  }
}

export interface MatchedMention {
  id: string;
  query_id: string;
  terms: string[];
  owned: boolean;
}

/**
 * Insert the brand's rows for these mentions (their views fill the rollups). Mentions that have
 * a row for the brand already are skipped: the live pipeline stored them after the delete.
 * Returns how many were inserted.
 */
export async function insertBrandRows(
  store: Store,
  scope: BrandScope,
  matches: readonly MatchedMention[],
): Promise<number> {
  if (matches.length === 0) return 0;
  const ids = matches.map((m) => m.id);
  const present = new Set(
    (
      await store.query<{ id: string }>(
        `SELECT DISTINCT mention_id AS id FROM brand_mentions
         WHERE workspace = {ws:String} AND brand = {brand:String} AND mention_id IN {ids:Array(String)}`,
        { ws: scope.workspace, brand: scope.brand, ids },
      )
    ).map((r) => r.id),
  );
  const todo = matches.filter((m) => !present.has(m.id));
  if (todo.length === 0) return 0;
  await store.command(
    `INSERT INTO brand_mentions (workspace, brand, created_at, mention_id, query_id, matched_terms,
       owned, source, lang, sentiment_label, sentiment_score, likes, reposts, replies, author_id,
       author_handle, author_followers, author_name, topic_ids, topic_labels, dup_group,
       spam_score, synthetic, version)
     SELECT {ws:String}, {brand:String}, m.created_at, m.id,
       {qids:Array(String)}[indexOf({ids:Array(String)}, m.id)],
       JSONExtract({terms:Array(String)}[indexOf({ids:Array(String)}, m.id)], 'Array(String)'),
       {owned:Array(Bool)}[indexOf({ids:Array(String)}, m.id)],
       m.source, m.lang, m.sentiment_label, m.sentiment_score,
       greatest(m.likes, ifNull(t.likes, 0)), greatest(m.reposts, ifNull(t.reposts, 0)),
       greatest(m.replies, ifNull(t.replies, 0)),
       m.author_id, m.author_handle, m.author_followers, m.author_name,
       arrayFilter((x, i) -> m.topic_brands[i] = '' OR m.topic_brands[i] = {key:String},
         m.topic_ids, arrayEnumerate(m.topic_ids)),
       arrayFilter((x, i) -> m.topic_brands[i] = '' OR m.topic_brands[i] = {key:String},
         m.topic_labels, arrayEnumerate(m.topic_labels)),
       m.dup_group, m.spam_score, m.synthetic, m.version
     FROM (SELECT * FROM mentions FINAL WHERE id IN {ids:Array(String)}) AS m
     LEFT JOIN (
       SELECT mention_id, max(likes_total) AS likes, max(reposts_total) AS reposts,
              max(replies_total) AS replies
       FROM engagement_updates WHERE mention_id IN {ids:Array(String)} GROUP BY mention_id
     ) AS t ON t.mention_id = m.id
     SETTINGS join_use_nulls = 1`,
    {
      ws: scope.workspace,
      brand: scope.brand,
      key: `${scope.workspace}/${scope.brand}`,
      ids: todo.map((m) => m.id),
      qids: todo.map((m) => m.query_id),
      // JSON per mention: nested arrays do not survive every client's parameter encoding.
      terms: todo.map((m) => JSON.stringify(m.terms)),
      owned: todo.map((m) => m.owned),
    },
  );
  return todo.length;
}

/** Mentions the brand has from `from` on (distinct), for the answer. */
export async function brandMentionCount(store: Store, scope: BrandScope): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    `SELECT uniqExact(mention_id) AS n FROM brand_mentions
     WHERE workspace = {ws:String} AND brand = {brand:String}
       AND created_at >= {from:DateTime64(3, 'UTC')}`,
    { ws: scope.workspace, brand: scope.brand, from: toClickHouseTime(scope.from) },
  );
  return Number(row?.n ?? 0);
}
