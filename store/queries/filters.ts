import type { QueryParams } from '../port.ts';
import { toClickHouseTime } from '../time.ts';

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
}

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
  if (f.sentiment !== undefined) {
    clauses.push('sentiment_label = {sentiment:String}');
    params.sentiment = f.sentiment;
  }
  if (f.owned !== undefined) {
    clauses.push('owned = {owned:Bool}');
    params.owned = f.owned;
  }
  if (f.topic !== undefined) {
    clauses.push('has(topic_ids, {topic:String})');
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
