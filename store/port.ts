/**
 * The store port: what the sink, the queries and the migrations need from ClickHouse. Two
 * adapters run the same SQL text: `chdb.ts` (the engine in-process, the embedded default)
 * and `clickhouse-server.ts` (a server or cluster over HTTP). Values always travel as bound
 * parameters (`{brand:String}`), never inside the SQL text.
 */
export type QueryParams = Record<string, unknown>;

export interface InsertOptions {
  /**
   * Same token → the server drops a repeated block: a redelivered batch is not inserted twice
   * (tables carry `non_replicated_deduplication_window`). On a cluster (CLICKHOUSE_CLUSTER) the
   * tables are Replicated*MergeTree, which keep the hashes of their last blocks in Keeper under
   * the shard's path (`replicated_deduplication_window`, the same 1,000): every replica of a
   * shard sees them, so a retry that reaches another replica is dropped too. The Distributed
   * table forwards the token to each shard with its part of the batch, and a redelivered batch
   * splits the same way (the sharding key is a hash of the order key), so each shard drops its
   * part again (store/cluster-ddl.ts).
   */
  dedupToken?: string;
}

export interface Store {
  readonly kind: 'chdb' | 'clickhouse';
  readonly database: string;
  /** DDL and other statements without a result. */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Rows as objects (JSONEachRow; 64-bit integers come back as numbers). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void>;
  /**
   * Run an analyst's SQL with the engine in read-only mode (`readonly=1`): the engine itself
   * refuses writes, DDL and setting changes. Returns the result text in `format`.
   */
  readOnlyQuery(sql: string, format: 'JSONEachRow' | 'PrettyCompactMonoBlock'): Promise<string>;
  close(): Promise<void>;
}

/**
 * Insert settings set explicitly on both adapters so they behave the same: ClickHouse 26.x
 * defaults to async_insert=1, which would acknowledge before the data is durable.
 */
export const INSERT_SETTINGS = {
  async_insert: 0,
  date_time_input_format: 'best_effort',
  deduplicate_blocks_in_dependent_materialized_views: 1,
  input_format_skip_unknown_fields: 1,
} as const;

export const QUERY_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  date_time_output_format: 'iso',
} as const;
