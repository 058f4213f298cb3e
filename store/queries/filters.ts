import type { QueryParams } from '../port.ts';
import { toClickHouseTime } from '../time.ts';
import { inTopic } from './topic-aliases.ts';

/** Filters of the mention-level routes (feed, authors, topics, export), as bound SQL. */
export interface MentionFilters {
  workspace: string;
  brand: string;
  from: Date;
  to: Date;
  sentiment?: 'pos' | 'neu' | 'neg' | 'unscored' | undefined;
  source?: string | undefined;
  lang?: string | undefined;
  topic?: string | undefined;
  /** Case-insensitive substring of the text. */
  q?: string | undefined;
  /** Only mentions by or under the brand's own accounts (true), or only the others (false). */
  owned?: boolean | undefined;
  /** Only mentions the workspace tagged so. */
  tag?: string | undefined;
  /** Only bookmarked mentions. */
  bookmarked?: boolean | undefined;
  /** true: only hidden mentions (to bring one back); otherwise hidden and muted ones are left out. */
  hidden?: boolean | undefined;
  /**
   * Only rows stored up to this `version` (their enrichment time, in ms; rows are stored in
   * that order): an export counts its rows and then reads them under one bound, so mentions
   * stored while it streams are in neither (store/queries/export.ts).
   */
  storedUpTo?: number | undefined;
}

/** Mention ids of the workspace whose override (migration 0017) meets `condition`. */
export const overridden = (condition: string): string =>
  `(SELECT mention_id FROM mention_overrides FINAL WHERE workspace = {workspace:String} AND ${condition})`;

/**
 * The workspace's corrected labels, to `LEFT JOIN … ON corrected_id = mention_id` (a row
 * without one joins ''): `seenLabel` is then the label the workspace sees.
 */
export const correctedLabels = `(SELECT mention_id AS corrected_id, label AS corrected
  FROM mention_overrides FINAL WHERE workspace = {workspace:String} AND label != '')`;
export const seenLabel = "if(corrected != '', corrected, sentiment_label)";

/**
 * WHERE clauses for a brand, a time range and the source/language filters, on any table that
 * has those columns (`created_at` on raw rows, `hour` on the rollups). Values are bound.
 */
export function scopeWhere(
  f: Pick<MentionFilters, 'workspace' | 'brand' | 'from' | 'to' | 'source' | 'lang'>,
  timeColumn: 'created_at' | 'hour',
): { clauses: string[]; params: QueryParams } {
  const clauses = [
    'workspace = {workspace:String}',
    'brand = {brand:String}',
    `${timeColumn} >= {from:DateTime64(3, 'UTC')}`,
    `${timeColumn} < {to:DateTime64(3, 'UTC')}`,
  ];
  const params: QueryParams = {
    workspace: f.workspace,
    brand: f.brand,
    from: toClickHouseTime(f.from),
    to: toClickHouseTime(f.to),
  };
  if (f.source !== undefined) {
    clauses.push('source = {source:String}');
    params.source = f.source;
  }
  if (f.lang !== undefined) {
    clauses.push('lang = {lang:String}');
    params.lang = f.lang;
  }
  return { clauses, params };
}

/** `scopeWhere` on raw rows as one SQL condition (its parameters are `mentionWhere`'s too). */
export function scopeCondition(
  f: Pick<MentionFilters, 'workspace' | 'brand' | 'from' | 'to' | 'source' | 'lang'>,
): string {
  return scopeWhere(f, 'created_at').clauses.join(' AND ');
}

/** WHERE clauses over `brand_mentions` and their parameters; values are never in the SQL text. */
export function mentionWhere(f: MentionFilters): { where: string; params: QueryParams } {
  const { clauses, params } = scopeWhere(f, 'created_at');
  // What a person hid or muted is out of every list and number (unless asked for the hidden).
  clauses.push(
    f.hidden === true
      ? `mention_id IN ${overridden('hidden')}`
      : `mention_id NOT IN ${overridden('NOT counted')}`,
  );
  if (f.sentiment !== undefined) {
    // The corrected label where a person corrected one, the model's elsewhere.
    clauses.push(
      `(mention_id IN ${overridden('label = {sentiment:String}')}
        OR (sentiment_label = {sentiment:String} AND mention_id NOT IN ${overridden("label != ''")}))`,
    );
    params.sentiment = f.sentiment;
  }
  if (f.storedUpTo !== undefined) {
    clauses.push('version <= {stored_up_to:UInt64}');
    params.stored_up_to = f.storedUpTo;
  }
  if (f.tag !== undefined) {
    clauses.push(`mention_id IN ${overridden('has(tags, {tag:String})')}`);
    params.tag = f.tag;
  }
  if (f.bookmarked === true) clauses.push(`mention_id IN ${overridden('bookmarked')}`);
  if (f.owned !== undefined) {
    clauses.push('owned = {owned:Bool}');
    params.owned = f.owned;
  }
  if (f.topic !== undefined) {
    clauses.push(inTopic('topic'));
    params.topic = f.topic;
  }
  if (f.q !== undefined && f.q.length > 0) {
    clauses.push(
      `mention_id IN (SELECT id FROM mentions WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
         AND positionCaseInsensitiveUTF8(text, {q:String}) > 0)`,
    );
    params.q = f.q;
  }
  return { where: clauses.join(' AND '), params };
}
