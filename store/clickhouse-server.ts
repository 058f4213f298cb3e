import {
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type ClickHouseSettings,
} from '@clickhouse/client';
import { DependencyUnavailableError } from '../core/errors.ts';
import {
  INSERT_SETTINGS,
  QUERY_SETTINGS,
  type InsertOptions,
  type QueryParams,
  type Store,
} from './port.ts';
import { renderForCluster } from './cluster-ddl.ts';
import { mapReadOnlyError, vetReadOnlySql } from './read-only-sql.ts';

export interface ClickHouseServerOptions {
  url: string;
  username: string;
  password: string;
  database: string;
  /**
   * A cluster of the servers' `remote_servers` (CLICKHOUSE_CLUSTER): DDL runs ON CLUSTER in
   * its replicated and sharded form (cluster-ddl.ts); queries and inserts are unchanged.
   */
  cluster?: string | undefined;
}

/**
 * Settings of every request on a cluster.
 * - `distributed_foreground_insert`: an insert into a Distributed table returns once each
 *   shard has stored its part (not when it is queued on the receiving node's disk), so the
 *   sink commits offsets only for rows that are really stored, as on one server. The insert's
 *   own settings, its deduplication token among them, travel with it to each shard.
 * - `distributed_product_mode = 'global'`: `x IN (SELECT … FROM <Distributed>)` inside a
 *   query on a Distributed table runs the subquery once and ships its result to the shards
 *   (the default refuses such queries).
 */
const CLUSTER_SETTINGS = {
  distributed_foreground_insert: 1,
  distributed_product_mode: 'global',
} as const;

/**
 * Connections the client keeps open to the server: the API's concurrent requests run this many
 * queries at once (the embedded engine answers one at a time). The client's own default.
 */
export const MAX_OPEN_CONNECTIONS = 10;

/**
 * The client logs every failed request itself; ours rethrows each failure with its cause and
 * the caller (stage runner, API) logs it once, with context.
 */
const CLIENT_LOG = { level: ClickHouseLogLevel.OFF };

/** A ClickHouse server or cluster over HTTP (`@clickhouse/client`). */
export class ClickHouseServerStore implements Store {
  readonly kind = 'clickhouse' as const;
  readonly database: string;
  readonly cluster: string | undefined;

  private constructor(
    private readonly client: ClickHouseClient,
    database: string,
    cluster: string | undefined,
  ) {
    this.database = database;
    this.cluster = cluster;
  }

  static async open(options: ClickHouseServerOptions): Promise<ClickHouseServerStore> {
    const admin = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      log: CLIENT_LOG,
    });
    const createDatabase = `CREATE DATABASE IF NOT EXISTS ${options.database}`;
    try {
      for (const query of options.cluster
        ? renderForCluster(createDatabase, options.cluster)
        : [createDatabase])
        await admin.command({ query });
    } catch (error) {
      throw mapClickHouseError(error, 'create_database');
    } finally {
      await admin.close();
    }
    const client = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      database: options.database,
      log: CLIENT_LOG,
      // The sink binds a whole batch of ids (`id IN {ids:Array(String)}`): past 4 KiB the
      // values travel in a multipart body instead of a URL that servers and proxies refuse.
      use_multipart_params_auto: true,
      max_open_connections: MAX_OPEN_CONNECTIONS,
      clickhouse_settings: {
        ...QUERY_SETTINGS,
        ...INSERT_SETTINGS,
        ...(options.cluster ? CLUSTER_SETTINGS : {}),
      },
    });
    return new ClickHouseServerStore(client, options.database, options.cluster);
  }

  /** On a cluster, DDL (migrations, retention, OPTIMIZE) runs in its cluster form. */
  async command(sql: string, params: QueryParams = {}): Promise<void> {
    const statements = this.cluster ? renderForCluster(sql, this.cluster) : [sql];
    for (const query of statements) {
      try {
        await this.client.command({ query, query_params: params });
      } catch (error) {
        throw mapClickHouseError(error, 'command');
      }
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: QueryParams = {}): Promise<T[]> {
    try {
      const result = await this.client.query({
        query: sql.trim().replace(/;$/, ''),
        query_params: params,
        format: 'JSONEachRow',
      });
      return await result.json<T>();
    } catch (error) {
      throw mapClickHouseError(error, 'query');
    }
  }

  async insert(table: string, rows: readonly object[], options: InsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({
        table,
        values: [...rows],
        format: 'JSONEachRow',
        clickhouse_settings: options.dedupToken
          ? { insert_deduplication_token: options.dedupToken }
          : {},
      });
    } catch (error) {
      throw mapClickHouseError(error, 'insert');
    }
  }

  async readOnlyQuery(
    sql: string,
    format: 'JSONEachRow' | 'PrettyCompactMonoBlock',
  ): Promise<string> {
    const readonly = { readonly: '1' } as const;
    const text = async (query: string, settings: ClickHouseSettings) => {
      try {
        // exec: the raw HTTP interface, so any output format (the client's query() limits them).
        const result = await this.client.exec({ query, clickhouse_settings: settings });
        const chunks: Buffer[] = [];
        for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Uint8Array));
        return Buffer.concat(chunks).toString('utf8');
      } catch (error) {
        const mapped = mapClickHouseError(error, 'query');
        throw mapped instanceof DependencyUnavailableError ? mapped : mapReadOnlyError(mapped);
      }
    };
    const statement = await vetReadOnlySql(
      {
        canonical: async (query) => {
          try {
            const rows = await this.client.query({
              query: 'SELECT formatQuerySingleLine({q:String}) AS q',
              query_params: { q: query },
              format: 'JSONEachRow',
              clickhouse_settings: readonly,
            });
            return (await rows.json<{ q: string }>())[0]?.q ?? '';
          } catch (error) {
            throw mapClickHouseError(error, 'query');
          }
        },
        explainAst: (query) =>
          text(`EXPLAIN AST ${query}`, { ...readonly, default_format: 'TabSeparatedRaw' }),
      },
      sql,
    );
    // The format goes in `default_format`, not a FORMAT clause, so the query's own FORMAT
    // (vetted above) still wins. The client's type lists the formats it parses; exec hands
    // back raw bytes.
    return text(statement, {
      ...readonly,
      default_format: format as ClickHouseSettings['default_format'],
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Network trouble is retriable; a ClickHouse error with a code (bad SQL, bad data) is not. */
function mapClickHouseError(error: unknown, operation: string): Error {
  const e = error as { code?: string; message?: string };
  const network = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'];
  if (e?.code && network.includes(e.code)) {
    return new DependencyUnavailableError(
      `clickhouse ${operation} failed: ${e.message ?? e.code}`,
      { cause: error },
    );
  }
  if (/timeout|socket hang up/i.test(e?.message ?? '')) {
    return new DependencyUnavailableError(`clickhouse ${operation} failed: ${e.message}`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
