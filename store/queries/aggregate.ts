import type { QueryParams, Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';
import { addAggregates, EMPTY_AGGREGATE, type Aggregate } from './metrics.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/duration.ts';
import { calendarBucketSql, type Calendar } from '../../core/time-zone.ts';

/**
 * The aggregations behind brand health, comparison and the language/source mix. Each reads
 * the coarsest table whose grid fits the question: the hourly rollups for buckets of whole
 * hours over an hour-aligned range (`brand_totals_hourly` when neither filtered nor grouped by
 * source or language, else `brand_hourly`), the 15-minute rollup
 * (`brand_quarter_hourly`) for quarter-hour grids, and the raw (mention, brand) rows with
 * FINAL otherwise. All give the same numbers (test/integration/query-paths.int.test.ts checks
 * each path against an oracle computed from its fixtures).
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
  /** Days or weeks of a time zone instead of fixed-width buckets (bucketSeconds: their nominal width). */
  calendar?: Calendar | null;
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

const QUARTER = 15 * MINUTE_MS;

/** A table that answers sums over (mention, brand) rows, and its time column. */
interface SumsTable {
  /** The FROM clause, given the WHERE clause (a subquery repeats it inside, where it prunes). */
  from: string | ((where: string) => string);
  time: 'hour' | 'quarter_hour' | 'created_at';
  measures: string;
}

const ROLLUP_MEASURES = `sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
  sum(negative) AS negative, sum(unscored) AS unscored, sum(likes) AS likes, sum(reposts) AS reposts,
  sum(replies) AS replies, sum(followers) AS followers`;

const SUMS_TABLES = {
  hour: { from: 'brand_hourly', time: 'hour', measures: ROLLUP_MEASURES },
  // brand_hourly's sums without the source × language split (28× fewer rows in the bench).
  hour_totals: { from: 'brand_totals_hourly', time: 'hour', measures: ROLLUP_MEASURES },
  quarter_hour: { from: 'brand_quarter_hourly', time: 'quarter_hour', measures: ROLLUP_MEASURES },
  // The (mention, brand) rows, the engagement that grew after they were stored (rows of no
  // mention: volume 0), and what people's actions moved (signed deltas, migration 0017), as the
  // rollups add them up.
  raw: {
    from: (
      where: string,
    ) => `(SELECT workspace, brand, created_at, source, lang, toInt64(1) AS volume,
        toInt64(sentiment_label = 'pos') AS positive, toInt64(sentiment_label = 'neu') AS neutral,
        toInt64(sentiment_label = 'neg') AS negative, toInt64(sentiment_label = 'unscored') AS unscored,
        toInt64(likes) AS likes, toInt64(reposts) AS reposts, toInt64(replies) AS replies,
        toInt64(ifNull(author_followers, 0)) AS followers
      FROM brand_mentions FINAL WHERE ${where}
      UNION ALL
      SELECT workspace, brand, created_at, source, lang, toInt64(0), toInt64(0), toInt64(0),
        toInt64(0), toInt64(0), toInt64(likes), toInt64(reposts), toInt64(replies), toInt64(0)
      FROM engagement_updates WHERE ${where}
      UNION ALL
      SELECT workspace, brand, created_at, source, lang, volume, positive, neutral, negative,
        unscored, likes, reposts, replies, followers
      FROM metric_adjustments WHERE ${where})`,
    time: 'created_at',
    measures: ROLLUP_MEASURES,
  },
} as const satisfies Record<string, SumsTable>;

export type Grain = Exclude<keyof typeof SUMS_TABLES, 'hour_totals'>;

/**
 * The coarsest grain that answers [from, to) in buckets of `bucketSeconds` exactly: every
 * rollup cell must lie wholly inside one bucket and inside the range.
 */
export function grainFor(from: Date, to: Date, bucketSeconds?: number): Grain {
  const fits = (unit: number) =>
    from.getTime() % unit === 0 &&
    to.getTime() % unit === 0 &&
    (bucketSeconds === undefined || (bucketSeconds * 1000) % unit === 0);
  if (fits(HOUR_MS)) return 'hour';
  if (fits(QUARTER)) return 'quarter_hour';
  return 'raw';
}

/** WHERE clauses and bound parameters of a scope over a table's time column. */
function scopeFilters(scope: Scope, time: string): { where: string; params: QueryParams } {
  const params: QueryParams = {
    workspace: scope.workspace,
    brands: scope.brands,
    from: toClickHouseTime(scope.from),
    to: toClickHouseTime(scope.to),
  };
  const clauses = [
    'workspace = {workspace:String}',
    'brand IN {brands:Array(String)}',
    `${time} >= {from:DateTime64(3, 'UTC')}`,
    `${time} < {to:DateTime64(3, 'UTC')}`,
  ];
  if (scope.source !== undefined) {
    clauses.push('source = {source:String}');
    params.source = scope.source;
  }
  if (scope.lang !== undefined) {
    clauses.push('lang = {lang:String}');
    params.lang = scope.lang;
  }
  return { where: clauses.join(' AND '), params };
}

type SumsRow = Record<string, string | number>;

const fromClause = (table: SumsTable, where: string): string =>
  typeof table.from === 'string' ? table.from : table.from(where);

function toAggregate(r: SumsRow): Aggregate {
  return {
    volume: Number(r.volume),
    positive: Number(r.positive),
    neutral: Number(r.neutral),
    negative: Number(r.negative),
    unscored: Number(r.unscored),
    likes: Number(r.likes),
    reposts: Number(r.reposts),
    replies: Number(r.replies),
    followers: Number(r.followers),
  };
}

/** Bucket start as Unix seconds, read back as ISO (no date-string parsing in between). */
const bucketKey = (time: string, calendar?: Calendar | null) =>
  calendar
    ? calendarBucketSql(time, calendar, 'tz')
    : `toUnixTimestamp(toStartOfInterval(${time}, toIntervalSecond({step:UInt32}), 'UTC'))`;
const isoOfSeconds = (s: string | number) => new Date(Number(s) * 1000).toISOString();

/**
 * One query, grouped by brand and the requested dimensions. Callers ask for the grouping they
 * need once and fold it in memory: one round trip instead of one per breakdown.
 */
export async function aggregate(
  store: Store,
  scope: Scope,
  group: GroupBy,
): Promise<AggregateRow[]> {
  const grain = grainFor(scope.from, scope.to, group.bucketSeconds);
  const unsplit =
    !group.source && !group.lang && scope.source === undefined && scope.lang === undefined;
  const table = SUMS_TABLES[grain === 'hour' && unsplit ? 'hour_totals' : grain];
  const { where, params } = scopeFilters(scope, table.time);
  const keys = ['toString(brand) AS brand'];
  if (group.bucketSeconds !== undefined) {
    keys.push(`${bucketKey(table.time, group.calendar)} AS t`);
    params.step = group.bucketSeconds;
    if (group.calendar) params.tz = group.calendar.tz;
  }
  if (group.source) keys.push('toString(source) AS source');
  if (group.lang) keys.push('toString(lang) AS lang');
  const names = keys.map((k) => k.split(' AS ')[1]!);
  const rows = await store.query<SumsRow>(
    `SELECT ${keys.join(', ')}, ${table.measures}
     FROM ${fromClause(table, where)}
     WHERE ${where}
     GROUP BY ${names.join(', ')}`,
    params,
  );
  return rows.map((r) => ({
    brand: String(r.brand),
    t: r.t === undefined ? '' : isoOfSeconds(r.t),
    source: r.source === undefined ? '' : String(r.source),
    lang: r.lang === undefined ? '' : String(r.lang),
    ...toAggregate(r),
  }));
}

export interface HealthAggregate {
  /** Distinct authors (estimate, see authorsExpression) of the current and previous period. */
  authors: { current: number; previous: number };
  /** Sums per bucket start (ISO), over the current and the previous period. */
  buckets: Map<string, Aggregate>;
  /** Volume per source and per language, current period only. */
  sources: Map<string, number>;
  languages: Map<string, number>;
}

/**
 * Everything brand health reads, in one query (one round trip: chdb runs parameterized queries
 * one at a time, and each costs ~3 ms before it reads anything): the sums per bucket over both
 * periods (`scope` spans the previous and the current one) and the source and language mix of
 * the current period, as GROUPING SETS, so the engine returns ~60 rows instead of bucket ×
 * source × language (thousands); and the distinct authors of both periods as a scalar
 * subquery, repeated on each row.
 */
export async function healthAggregate(
  store: Store,
  scope: Scope,
  currentFrom: Date,
  bucketSeconds: number,
  /** Where the previous period's distinct authors stop (default: its end). */
  previousAuthorsUntil: Date = currentFrom,
  calendar: Calendar | null = null,
): Promise<HealthAggregate> {
  const table = SUMS_TABLES[grainFor(scope.from, scope.to, bucketSeconds)];
  const { where, params } = scopeFilters(scope, table.time);
  params.step = bucketSeconds;
  if (calendar) params.tz = calendar.tz;
  params.current_from = toClickHouseTime(currentFrom);
  const authors = authorsExpression({ ...scope, from: currentFrom }, previousAuthorsUntil);
  // grouping(x) = 1 when x is not a key of the row's set (standard SQL semantics). `source`
  // and `lang` are the columns themselves, not an alias over them (`toString(source) AS
  // source`): a Distributed table (CLICKHOUSE_CLUSTER) sends the shards a GROUP BY on the
  // column and a grouping() on the expression, which they refuse.
  const rows = await store.query<SumsRow>(
    `WITH ${authors.sql} AS authors
     SELECT authors.1 AS authors_current, authors.2 AS authors_previous,
            ${bucketKey(table.time, calendar)} AS t,
            ${table.time} >= {current_from:DateTime64(3, 'UTC')} AS current,
            source, lang,
            grouping(source) AS all_sources, grouping(lang) AS all_languages,
            ${table.measures}
     FROM ${fromClause(table, where)}
     WHERE ${where}
     GROUP BY GROUPING SETS ((t), (current, source), (current, lang))`,
    { ...params, ...authors.params },
  );
  const out: HealthAggregate = {
    authors: { current: 0, previous: 0 },
    buckets: new Map(),
    sources: new Map(),
    languages: new Map(),
  };
  // Without rows the scalar is not read: no mentions in either period means no authors.
  if (rows[0]) {
    out.authors = {
      current: Number(rows[0].authors_current),
      previous: Number(rows[0].authors_previous),
    };
  }
  for (const r of rows) {
    if (Number(r.all_sources) === 0) {
      if (Number(r.current) === 1) out.sources.set(String(r.source), Number(r.volume));
    } else if (Number(r.all_languages) === 0) {
      if (Number(r.current) === 1) out.languages.set(String(r.lang), Number(r.volume));
    } else {
      out.buckets.set(isoOfSeconds(r.t ?? 0), toAggregate(r));
    }
  }
  return out;
}

/** Sum rows by a key (folding a fine grouping into a coarser one). */
export function foldBy<K>(rows: AggregateRow[], key: (r: AggregateRow) => K): Map<K, Aggregate> {
  const out = new Map<K, Aggregate>();
  for (const r of rows) out.set(key(r), addAggregates(out.get(key(r)) ?? EMPTY_AGGREGATE, r));
  return out;
}

/** Where the distinct-author sketches of one stretch of time come from. */
export interface AuthorPiece {
  table: 'brand_authors_daily' | 'brand_totals_hourly' | 'brand_quarter_hourly' | 'raw';
  from: Date;
  to: Date;
}

const AUTHOR_LEVELS = [
  { unit: DAY_MS, table: 'brand_authors_daily' },
  { unit: HOUR_MS, table: 'brand_totals_hourly' },
] as const;

/**
 * Cover [from, to) with as few sketches as possible: whole days from the daily table, then
 * whole hours, then quarter hours at the edges. The daily and hourly sketches have no source ×
 * language split, so a filtered question reads quarter hours (split) throughout; a range off
 * the quarter-hour grid reads raw rows. Pieces are disjoint and cover the range exactly.
 */
export function authorPieces(from: Date, to: Date, filtered: boolean): AuthorPiece[] {
  if (from.getTime() >= to.getTime()) return [];
  if (from.getTime() % QUARTER !== 0 || to.getTime() % QUARTER !== 0)
    return [{ table: 'raw', from, to }];
  if (filtered) return [{ table: 'brand_quarter_hourly', from, to }];
  const split = (a: number, b: number, level: number): AuthorPiece[] => {
    if (a >= b) return [];
    const l = AUTHOR_LEVELS[level];
    if (!l) return [{ table: 'brand_quarter_hourly', from: new Date(a), to: new Date(b) }];
    const start = Math.ceil(a / l.unit) * l.unit;
    const end = Math.floor(b / l.unit) * l.unit;
    if (start >= end) return split(a, b, level + 1);
    return [
      ...split(a, start, level + 1),
      { table: l.table, from: new Date(start), to: new Date(end) },
      ...split(end, b, level + 1),
    ];
  };
  return split(from.getTime(), to.getTime(), 0);
}

const PIECE_TIME = {
  brand_authors_daily: 'day',
  brand_totals_hourly: 'hour',
  brand_quarter_hourly: 'quarter_hour',
  raw: 'created_at',
} as const;

/**
 * The distinct authors of the scope and of the period of the same length before it (up to
 * `previousUntil` when given: a like-for-like cut, on the grid of the sketches, see
 * authorsCutOf), as one SQL
 * expression: a tuple (current, previous) of `uniqCombined(13)` estimates, merged from the
 * sketches of each piece (authorPieces). Parameter names are prefixed `a_` so the expression
 * can sit inside another query. An estimate: exact up to a few hundred authors, a standard
 * error of about 1.2 % above (see migration 0005); every path (daily, hourly, quarter-hour
 * sketches, raw rows) uses the same estimator, so they agree.
 */
export function authorsExpression(
  scope: Scope,
  previousUntil: Date = scope.from,
): { sql: string; params: QueryParams } {
  const previousFrom = new Date(2 * scope.from.getTime() - scope.to.getTime());
  const filtered = scope.source !== undefined || scope.lang !== undefined;
  const params: QueryParams = {
    a_workspace: scope.workspace,
    a_brands: scope.brands,
    a_source: scope.source ?? '',
    a_lang: scope.lang ?? '',
  };
  // One branch per table, its pieces OR-ed: each table read costs ~1–3 ms in chdb before it
  // reads a row, so the number of reads matters more than the number of ranges.
  params.a_current_from = toClickHouseTime(scope.from);
  const pieces = [
    ...authorPieces(previousFrom, previousUntil, filtered),
    ...authorPieces(scope.from, scope.to, filtered),
  ];
  const branches: string[] = [];
  for (const table of Object.keys(PIECE_TIME) as Array<AuthorPiece['table']>) {
    const ranges = pieces.filter((p) => p.table === table);
    if (ranges.length === 0) continue;
    const time = PIECE_TIME[table];
    const within = ranges.map((p) => {
      const i = Object.keys(params).length;
      params[`a_from${i}`] = toClickHouseTime(p.from);
      params[`a_to${i}`] = toClickHouseTime(p.to);
      return `(${time} >= {a_from${i}:DateTime64(3, 'UTC')} AND ${time} < {a_to${i}:DateTime64(3, 'UTC')})`;
    });
    const raw = table === 'raw';
    const split = raw || table === 'brand_quarter_hourly';
    // Raw rows without FINAL: a duplicate row repeats an author, which a distinct count ignores.
    branches.push(
      `SELECT ${time} >= {a_current_from:DateTime64(3, 'UTC')} AS current,
              ${raw ? 'uniqCombinedState(13)(author_id)' : 'authors'} AS authors
       FROM ${raw ? 'brand_mentions' : table}
       WHERE workspace = {a_workspace:String} AND brand IN {a_brands:Array(String)}
         AND (${within.join(' OR ')})
         ${split ? "AND ({a_source:String} = '' OR source = {a_source:String}) AND ({a_lang:String} = '' OR lang = {a_lang:String})" : ''}
       ${raw ? 'GROUP BY current' : ''}`,
    );
  }
  if (branches.length === 0) return { sql: 'tuple(toUInt64(0), toUInt64(0))', params };
  params.a_previous_from = toClickHouseTime(previousFrom);
  params.a_previous_until = toClickHouseTime(previousUntil);
  params.a_to = toClickHouseTime(scope.to);
  // The sketches count every author who wrote a stored mention; a person hid or muted some
  // (migration 0017), and an author whose every mention of a period is out is no author of it.
  // Sketches cannot lose an element, so those authors are counted on raw rows and taken off.
  // Only authors with such a mention are read, and nothing at all where none is hidden or
  // muted (the scalar guard folds the whole read away): the common case costs nothing.
  const notCounted = `(SELECT mention_id FROM mention_overrides FINAL
                       WHERE workspace = {a_workspace:String} AND NOT counted)`;
  const anyOut = `(SELECT count() FROM mention_overrides FINAL
                   WHERE workspace = {a_workspace:String} AND NOT counted) > 0`;
  const rows = `workspace = {a_workspace:String} AND brand IN {a_brands:Array(String)}
         AND ((created_at >= {a_previous_from:DateTime64(3, 'UTC')} AND created_at < {a_previous_until:DateTime64(3, 'UTC')})
           OR (created_at >= {a_current_from:DateTime64(3, 'UTC')} AND created_at < {a_to:DateTime64(3, 'UTC')}))
         AND ({a_source:String} = '' OR source = {a_source:String}) AND ({a_lang:String} = '' OR lang = {a_lang:String})`;
  const gone = `(SELECT tuple(countIf(current = 1 AND kept = 0), countIf(current = 0 AND kept = 0)) FROM (
      SELECT author_id, created_at >= {a_current_from:DateTime64(3, 'UTC')} AS current,
             countIf(mention_id NOT IN ${notCounted}) AS kept
      FROM brand_mentions
      WHERE ${anyOut} AND ${rows}
        AND author_id IN (SELECT author_id FROM brand_mentions
                          WHERE ${anyOut} AND ${rows} AND mention_id IN ${notCounted} AND author_id IS NOT NULL)
      GROUP BY author_id, current))`;
  const sketch = `(SELECT tuple(uniqCombinedMergeIf(13)(authors, current = 1), uniqCombinedMergeIf(13)(authors, current = 0))
           FROM (${branches.join('\n UNION ALL \n')}))`;
  return {
    sql: `(SELECT tuple(toUInt64(greatest(0, toInt64(s.1) - toInt64(g.1))), toUInt64(greatest(0, toInt64(s.2) - toInt64(g.2))))
           FROM (SELECT ${sketch} AS s, ${gone} AS g))`,
    params,
  };
}

/** Distinct authors of the scope and of the period before it, on their own (one query). */
export async function uniqueAuthors(
  store: Store,
  scope: Scope,
): Promise<{ current: number; previous: number }> {
  const authors = authorsExpression(scope);
  const [row] = await store.query<{ current: number; previous: number }>(
    `WITH ${authors.sql} AS authors SELECT authors.1 AS current, authors.2 AS previous`,
    authors.params,
  );
  return { current: Number(row?.current ?? 0), previous: Number(row?.previous ?? 0) };
}
