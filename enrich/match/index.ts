/**
 * Watch queries (brand matching): the query language, its compiler and the many-queries
 * matcher. Pure code; the enrich stage and firehose sources call `compileWatchQueries` once per
 * config and `match` per post. Language reference: docs/queries.md.
 */
export { MAX_QUERY_DEPTH, parseQuery, QuerySyntaxError } from './parse.ts';
export type { FieldName, QueryAst, TermWord } from './parse.ts';
export { compileWatchQueries, queryId } from './compile.ts';
export { shortHash } from '../text/hash.ts';
export type { MatchInput, WatchMatch, WatchMatcher, WatchQueryDef } from './compile.ts';
export { formatQueryError } from './format-error.ts';
