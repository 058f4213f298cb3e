import type { QueryParams, Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';
import { addAggregates, EMPTY_AGGREGATE, type Aggregate } from './metrics.ts';

/**
 * The one aggregation behind brand health, comparison and the language/source mix. It reads
 * the hourly rollup (`brand_hourly`) when the question allows (buckets of whole hours and an
 * hour-aligned range) and the raw (mention, brand) rows otherwise; both give the same numbers.
 */
export interface Scope {
  workspace: string;
  brands: string[];
  from: Date;
  to: Date;
  source?: string | undefined;
  lang?: string | undefined;
}

/** Dimensions to group by; the brand is always one. */
export interface GroupBy {
  /** Bucket width in seconds (buckets start on multiples of it since the epoch). */
  bucketSeconds?: number;
  source?: boolean;
  lang?: boolean;
}

export interface AggregateRow extends Aggregate {
  brand: string;
  /** Bucket start (ISO) when grouped by bucket, else ''. */
  t: string;
  source: string;
  lang: string;
}

const HOUR = 3_600_000;

export function canUseRollup(scope: Scope, group: GroupBy): boolean {
  const aligned = scope.from.getTime() % HOUR === 0 && scope.to.getTime() % HOUR === 0;
  return (
    aligned && (group.bucketSeconds === undefined || (group.bucketSeconds * 1000) % HOUR === 0)
  );
}

/**
 * One query, grouped by brand and the requested dimensions. Callers ask for the finest
 * grouping they need once (e.g. bucket × source × language) and fold it in memory: one round
 * trip instead of one per breakdown, which is what keeps an API call in the low milliseconds.
 */
export async function aggregate(
  store: Store,
  scope: Scope,
  group: GroupBy,
): Promise<AggregateRow[]> {
  const rollup = canUseRollup(scope, group);
  const time = rollup ? 'hour' : 'created_at';
  const params: QueryParams = {
    workspace: scope.workspace,
    brands: scope.brands,
    from: toClickHouseTime(scope.from),
    to: toClickHouseTime(scope.to),
  };
  const filters = [
    'workspace = {workspace:String}',
    'brand IN {brands:Array(String)}',
    `${time} >= {from:DateTime64(3, 'UTC')}`,
    `${time} < {to:DateTime64(3, 'UTC')}`,
  ];
  if (scope.source !== undefined) {
    filters.push('source = {source:String}');
    params.source = scope.source;
  }
  if (scope.lang !== undefined) {
    filters.push('lang = {lang:String}');
    params.lang = scope.lang;
  }
  const keys = ['toString(brand) AS brand'];
  if (group.bucketSeconds !== undefined) {
    keys.push(`toString(toStartOfInterval(${time}, toIntervalSecond({step:UInt32}), 'UTC')) AS t`);
    params.step = group.bucketSeconds;
  }
  if (group.source) keys.push('toString(source) AS source');
  if (group.lang) keys.push('toString(lang) AS lang');
  const measures = rollup
    ? `sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral, sum(negative) AS negative,
       sum(unscored) AS unscored, sum(likes) AS likes, sum(reposts) AS reposts, sum(replies) AS replies,
       sum(followers) AS followers`
    : `count() AS volume, countIf(sentiment_label = 'pos') AS positive, countIf(sentiment_label = 'neu') AS neutral,
       countIf(sentiment_label = 'neg') AS negative, countIf(sentiment_label = 'unscored') AS unscored,
       sum(likes) AS likes, sum(reposts) AS reposts, sum(replies) AS replies,
       sum(ifNull(author_followers, 0)) AS followers`;
  const table = rollup ? 'brand_hourly' : 'brand_mentions FINAL';
  const names = keys.map((k) => k.split(' AS ')[1]!);
  const rows = await store.query<Record<string, string | number>>(
    `SELECT ${keys.join(', ')}, ${measures}
     FROM ${table}
     WHERE ${filters.join(' AND ')}
     GROUP BY ${names.join(', ')}`,
    params,
  );
  return rows.map((r) => ({
    brand: String(r.brand),
    t: r.t === undefined ? '' : new Date(`${String(r.t).replace(' ', 'T')}Z`).toISOString(),
    source: r.source === undefined ? '' : String(r.source),
    lang: r.lang === undefined ? '' : String(r.lang),
    volume: Number(r.volume),
    positive: Number(r.positive),
    neutral: Number(r.neutral),
    negative: Number(r.negative),
    unscored: Number(r.unscored),
    likes: Number(r.likes),
    reposts: Number(r.reposts),
    replies: Number(r.replies),
    followers: Number(r.followers),
  }));
}

/** Sum rows by a key (folding a fine grouping into a coarser one). */
export function foldBy<K>(rows: AggregateRow[], key: (r: AggregateRow) => K): Map<K, Aggregate> {
  const out = new Map<K, Aggregate>();
  for (const r of rows) out.set(key(r), addAggregates(out.get(key(r)) ?? EMPTY_AGGREGATE, r));
  return out;
}

/**
 * Distinct authors (by source author id) in the scope and in the period of the same length
 * before it, in one query. `uniq` everywhere (exact for small sets, within about 2 % for large
 * ones), so the hourly rollup, which keeps a mergeable sketch per hour, and raw rows agree.
 */
export async function uniqueAuthors(
  store: Store,
  scope: Scope,
): Promise<{ current: number; previous: number }> {
  const previousFrom = new Date(2 * scope.from.getTime() - scope.to.getTime());
  const rollup = canUseRollup({ ...scope, from: previousFrom }, {});
  const time = rollup ? 'hour' : 'created_at';
  const [current, previous] = rollup
    ? [
        `uniqMergeIf(authors, hour >= {from:DateTime64(3, 'UTC')})`,
        `uniqMergeIf(authors, hour < {from:DateTime64(3, 'UTC')})`,
      ]
    : [
        `uniqIf(author_id, created_at >= {from:DateTime64(3, 'UTC')})`,
        `uniqIf(author_id, created_at < {from:DateTime64(3, 'UTC')})`,
      ];
  const [row] = await store.query<{ current: number; previous: number }>(
    `SELECT ${current} AS current, ${previous} AS previous
     FROM ${rollup ? 'brand_hourly' : 'brand_mentions'}
     WHERE workspace = {workspace:String} AND brand IN {brands:Array(String)}
       AND ${time} >= {previous_from:DateTime64(3, 'UTC')} AND ${time} < {to:DateTime64(3, 'UTC')}
       AND ({source:String} = '' OR source = {source:String})
       AND ({lang:String} = '' OR lang = {lang:String})`,
    {
      workspace: scope.workspace,
      brands: scope.brands,
      from: toClickHouseTime(scope.from),
      previous_from: toClickHouseTime(previousFrom),
      to: toClickHouseTime(scope.to),
      source: scope.source ?? '',
      lang: scope.lang ?? '',
    },
  );
  return { current: Number(row?.current ?? 0), previous: Number(row?.previous ?? 0) };
}
