import type { ExplanationItem, SentimentLabel } from '../../core/contracts/mention.ts';
import type { QueryParams, Store } from '../port.ts';
import { fromClickHouseTime, toClickHouseTime } from '../time.ts';
import { readOverrides } from './adjustments.ts';
import { currentEngagement, recordedEngagement } from './engagement.ts';
import { actionsOf, type MentionActions } from './mention-actions.ts';
import { resolvedTopic, survivingLabels, TOPIC_ALIASES } from './topic-aliases.ts';
import {
  correctedLabels,
  mentionWhere,
  scopeCondition,
  seenLabel,
  type MentionFilters,
} from './filters.ts';

export interface FeedCursor {
  t: string;
  id: string;
  /** The last mention's engagement, in a cursor of the most-engaged order. */
  e?: number;
}

/** `newest` first, or the most `engagement` (likes + reposts + replies, as now) first. */
export type FeedSort = 'newest' | 'engagement';

interface FeedKey {
  mention_id: string;
  created_at: string;
  matched_terms: string[];
  /** Named apart from the column: an alias `owned` would turn `WHERE owned` into the aggregate. */
  is_owned: boolean | number;
  /** In the most-engaged order only. */
  engagement?: number;
}

interface MentionRow {
  id: string;
  source: string;
  url: string | null;
  author_id: string | null;
  author_handle: string | null;
  author_name: string | null;
  author_followers: number | null;
  text: string;
  title: string | null;
  lang: string;
  created_at: string;
  likes: number;
  reposts: number;
  replies: number;
  sentiment_label: string;
  sentiment_model: string;
  sentiment_score: number;
  sentiment_confidence: number;
  sentiment_explanation: string;
  topic_ids: string[];
  /** `topic_ids` after merges (topic-aliases.ts). */
  resolved_topic_ids: string[];
  topic_labels: string[];
  topic_brands: string[];
  synthetic: boolean;
  spam_score: number;
  dup_group: string | null;
}

export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/**
 * Times a cursor may carry: those of stored mentions (ingest refuses created_at before 2000 or
 * more than a day ahead). A crafted one past them (year 0, +275760) would reach the engine's
 * DateTime64 and fail there, as a 500.
 */
const CURSOR_TIME_MIN = Date.UTC(2000, 0, 1);
const CURSOR_TIME_MAX = Date.UTC(2100, 0, 1);

/** Null for anything that is not a cursor we issued (the route answers 400). */
export function decodeCursor(text: string): FeedCursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<FeedCursor>;
    if (typeof c.t !== 'string' || typeof c.id !== 'string' || c.id.length > 512) return null;
    const t = Date.parse(c.t);
    if (!(t >= CURSOR_TIME_MIN && t < CURSOR_TIME_MAX)) return null;
    if (c.e !== undefined && !(Number.isSafeInteger(c.e) && c.e >= 0)) return null;
    return c.e === undefined ? { t: c.t, id: c.id } : { t: c.t, id: c.id, e: c.e };
  } catch {
    return null;
  }
}

/**
 * The mention feed of a brand, newest first (or most engaged first), with keyset pagination on
 * (created_at, id) (or (engagement, created_at, id)): stable under new arrivals, and each page
 * costs the same however deep. The page's keys come from `brand_mentions` (ordered by brand and
 * time), the details from `mentions` by id. A cursor carries the order it was issued for; the
 * route refuses one of the other order.
 */
export async function mentionFeed(
  store: Store,
  f: MentionFilters,
  page: { limit: number; cursor: FeedCursor | null; sort?: FeedSort },
) {
  const { where, params } = mentionWhere(f);
  const scope = scopeCondition(f);
  const cursorParams = page.cursor
    ? {
        ct: toClickHouseTime(new Date(page.cursor.t)),
        cid: page.cursor.id,
        ce: page.cursor.e ?? 0,
      }
    : {};
  const keys =
    page.sort === 'engagement'
      ? await mostEngagedKeys(store, f, where, { ...params, ...cursorParams }, page)
      : await store.query<FeedKey>(
          `SELECT mention_id, created_at, any(matched_terms) AS matched_terms, max(owned) AS is_owned
           FROM brand_mentions
           WHERE ${where}${
             page.cursor
               ? " AND (created_at, mention_id) < ({ct:DateTime64(3, 'UTC')}, {cid:String})"
               : ''
           }
           GROUP BY mention_id, created_at
           ORDER BY created_at DESC, mention_id DESC
           LIMIT {limit:UInt32}`,
          { ...params, ...cursorParams, limit: page.limit + 1 },
        );
  const pageKeys = keys.slice(0, page.limit);
  const details = pageKeys.length
    ? await store.query<MentionRow>(
        `WITH ${TOPIC_ALIASES}
         SELECT id, source, url, author_id, author_handle, author_name, author_followers, text, title, lang, created_at,
                likes, reposts, replies, sentiment_label, sentiment_score, sentiment_confidence, sentiment_explanation,
                sentiment_model, topic_ids, arrayMap(t -> ${resolvedTopic('t')}, topic_ids) AS resolved_topic_ids, topic_labels, topic_brands, synthetic, spam_score, dup_group
         FROM mentions WHERE id IN {ids:Array(String)}
         ORDER BY id, version DESC LIMIT 1 BY id`,
        // The newest version of each, as FINAL would give, without FINAL's merge of every part
        // of the table (at 10 M mentions: 180 → 28 ms per page).
        { ids: pageKeys.map((k) => k.mention_id) },
      )
    : [];
  const byId = new Map(details.map((d) => [d.id, d]));
  const brandKey = `${f.workspace}/${f.brand}`;
  // A mention stored under a topic that merged since shows under the topic it merged into, and
  // so under that topic's label, as the lists show it: looked up only for such topics (none on
  // most pages, so most pages pay nothing).
  const merged = new Set(
    details.flatMap((d) => ownTopics(d, brandKey).flatMap((t) => (t.merged ? [t.id] : []))),
  );
  const labels = await survivingLabels(store, f, [...merged]);
  // Engagement that grew after the mentions were stored (refreshes): the higher count wins.
  const recorded = details.length
    ? await store.query<Pick<MentionRow, 'likes' | 'reposts' | 'replies'> & { mention_id: string }>(
        `SELECT * FROM ${recordedEngagement(`${scope} AND mention_id IN {ids:Array(String)}`)}`,
        // The feed's scope first: the table is sorted by brand and time (47 → 12 ms at 10 M).
        { ...params, ids: details.map((d) => d.id) },
      )
    : [];
  for (const r of recorded) {
    const d = byId.get(r.mention_id);
    if (d === undefined) continue;
    d.likes = Math.max(Number(d.likes), Number(r.likes));
    d.reposts = Math.max(Number(d.reposts), Number(r.reposts));
    d.replies = Math.max(Number(d.replies), Number(r.replies));
  }
  // What people of the workspace did to them: corrections, tags, hidden, bookmarked.
  const overrides = await readOverrides(
    store,
    f.workspace,
    details.map((d) => d.id),
  );
  const mentions = pageKeys.flatMap((k) => {
    const d = byId.get(k.mention_id);
    return d
      ? [
          withActions(
            toApiMention(d, k.matched_terms, brandKey, Boolean(k.is_owned), labels),
            actionsOf(overrides.get(d.id), d.sentiment_label),
          ),
        ]
      : [];
  });
  const last = pageKeys[pageKeys.length - 1];
  const nextCursor =
    keys.length > page.limit && last
      ? encodeCursor({
          t: fromClickHouseTime(last.created_at).toISOString(),
          id: last.mention_id,
          ...(page.sort === 'engagement' ? { e: Number(last.engagement ?? 0) } : {}),
        })
      : null;
  return { mentions, next_cursor: nextCursor };
}

/**
 * The keys of the most engaged mentions first: engagement as now (the stored row's, raised by
 * later refreshes), then newest, then id, so the order is total and the keyset exact. Reads
 * every (mention, brand) row of the filters, as a sort by a measure must.
 */
async function mostEngagedKeys(
  store: Store,
  f: MentionFilters,
  where: string,
  params: QueryParams,
  page: { limit: number; cursor: FeedCursor | null },
): Promise<FeedKey[]> {
  const now = currentEngagement('b', 'rec');
  const keyset = page.cursor
    ? "WHERE (engagement, created_at, mention_id) < ({ce:UInt64}, {ct:DateTime64(3, 'UTC')}, {cid:String})"
    : '';
  return store.query<FeedKey>(
    `SELECT b.mention_id AS mention_id, b.created_at AS created_at, b.matched_terms AS matched_terms,
            b.is_owned AS is_owned, toUInt64(${now.likes} + ${now.reposts} + ${now.replies}) AS engagement
     FROM (SELECT mention_id, created_at, any(matched_terms) AS matched_terms, max(owned) AS is_owned, max(likes) AS likes,
                  max(reposts) AS reposts, max(replies) AS replies
           FROM brand_mentions
           WHERE ${where}
           GROUP BY mention_id, created_at) AS b
     LEFT JOIN ${recordedEngagement(scopeCondition(f))} AS rec
       ON rec.mention_id = b.mention_id
     ${keyset}
     ORDER BY engagement DESC, created_at DESC, mention_id DESC
     LIMIT {limit:UInt32}`,
    { ...params, limit: page.limit + 1 },
  );
}

/**
 * The brand's own topics of a mention: another brand's (maybe another workspace's) are made of
 * its posts. Each under its id after merges; `merged` when that is not the id it was stored with.
 */
function ownTopics(d: MentionRow, brandKey: string) {
  return d.topic_ids.flatMap((stored, i) => {
    const owner = d.topic_brands[i] ?? '';
    const id = d.resolved_topic_ids[i] ?? stored;
    return owner === '' || owner === brandKey
      ? [{ id, label: d.topic_labels[i] ?? stored, merged: id !== stored }]
      : [];
  });
}

function toApiMention(
  d: MentionRow,
  matchedTerms: string[],
  brandKey: string,
  owned: boolean,
  survivingLabels: ReadonlyMap<string, string>,
) {
  return {
    id: d.id,
    source: d.source,
    url: d.url,
    author: {
      id: d.author_id,
      handle: d.author_handle,
      display_name: d.author_name,
      followers: d.author_followers,
    },
    text: d.text,
    title: d.title,
    lang: d.lang,
    created_at: fromClickHouseTime(d.created_at).toISOString(),
    engagement: { likes: Number(d.likes), reposts: Number(d.reposts), replies: Number(d.replies) },
    sentiment: {
      // Written by the sink from a checked EnrichedMention.
      label: d.sentiment_label as SentimentLabel,
      score: round3(d.sentiment_score),
      confidence: round3(d.sentiment_confidence),
      explanation: JSON.parse(d.sentiment_explanation) as ExplanationItem[],
      /** The model (and version) that scored it; exports carry it for audits and retraining. */
      model: d.sentiment_model,
    },
    topics: ownTopics(d, brandKey).map((t) => ({
      id: t.id,
      label: (t.merged ? survivingLabels.get(t.id) : undefined) ?? t.label,
    })),
    matched_terms: matchedTerms,
    /** By or under one of the brand's own accounts: kept whether or not the query matched. */
    owned,
    spam_score: round3(d.spam_score),
    dup_group: d.dup_group,
    synthetic: Boolean(d.synthetic),
  };
}

/**
 * The mention as the workspace sees it: a corrected label replaces the model's (which stays in
 * `actions.corrected.original_label`), with the workspace's tags, hidden and bookmark.
 */
function withActions(m: ReturnType<typeof toApiMention>, actions: MentionActions) {
  return {
    ...m,
    sentiment: actions.corrected ? { ...m.sentiment, label: actions.corrected.label } : m.sentiment,
    actions,
  };
}

export type ApiMention = ReturnType<typeof withActions>;

/**
 * Top authors of a brand by engagement, under the handle and name of their latest post that
 * has one (accounts rename themselves; a post stored while a profile lookup failed has none).
 */
export async function topAuthors(store: Store, f: MentionFilters, limit: number) {
  const { where, params } = mentionWhere(f);
  const scope = scopeCondition(f);
  const now = currentEngagement('b', 'rec');
  const rows = await store.query<{
    author_id: string;
    handle: string | null;
    display_name: string | null;
    followers: number | null;
    mentions: number;
    engagement: number;
    negative: number;
    scored: number;
  }>(
    `SELECT b.author_id AS author_id,
            argMaxIf(b.author_handle, b.created_at, b.author_handle IS NOT NULL) AS handle,
            argMaxIf(b.author_name, b.created_at, b.author_name IS NOT NULL) AS display_name,
            max(b.author_followers) AS followers, count() AS mentions,
            sum(${now.likes} + ${now.reposts} + ${now.replies}) AS engagement,
            countIf(b.label = 'neg') AS negative,
            countIf(b.label IN ('pos', 'neu', 'neg')) AS scored
     FROM (SELECT mention_id, author_id, author_handle, author_name, author_followers, created_at,
                  likes, reposts, replies, ${seenLabel} AS label
           FROM brand_mentions FINAL
           LEFT JOIN ${correctedLabels} AS c ON c.corrected_id = mention_id
           WHERE ${where} AND author_id IS NOT NULL) AS b
     LEFT JOIN ${recordedEngagement(scope)} AS rec ON rec.mention_id = b.mention_id
     GROUP BY author_id
     ORDER BY engagement DESC, mentions DESC, author_id
     LIMIT {limit:UInt32}`,
    { ...params, limit },
  );
  return rows.map((r) => ({
    author_id: r.author_id,
    handle: r.handle,
    display_name: r.display_name,
    followers: r.followers === null ? null : Number(r.followers),
    mentions: Number(r.mentions),
    engagement: Number(r.engagement),
    negative_share:
      Number(r.scored) === 0
        ? null
        : Math.round((Number(r.negative) / Number(r.scored)) * 10_000) / 10_000,
  }));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * How many of `ids` the store holds already: an import reports them apart, since the sink skips
 * them (but for newer engagement counts) rather than adding mentions.
 */
export async function countStoredMentions(store: Store, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const [r] = await store.query<{ n: number | string }>(
    'SELECT uniqExact(id) AS n FROM mentions WHERE id IN {ids:Array(String)}',
    { ids: [...ids] },
  );
  return Number(r?.n ?? 0);
}
