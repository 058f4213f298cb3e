import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import { ConfigError, DependencyUnavailableError } from '../core/errors.ts';
import {
  INSERT_SETTINGS,
  QUERY_SETTINGS,
  type InsertOptions,
  type QueryParams,
  type Store,
} from './port.ts';
import { chdbLockHolder } from './chdb-lock.ts';
import { mapReadOnlyError, vetReadOnlySql } from './read-only-sql.ts';

/**
 * The embedded ClickHouse engine (npm `chdb`), data in a directory. chdb binds one data
 * directory per process, so the app opens one session and shares it; tests isolate by process.
 */
export class ChdbStore implements Store {
  readonly kind = 'chdb' as const;
  private readonly session: Session;
  private readonly settingsClause: string;
  private readonlySession: Session | null = null;

  private constructor(
    readonly path: string,
    readonly database: string,
  ) {
    mkdirSync(path, { recursive: true });
    const holder = chdbLockHolder(path);
    if (holder !== null) {
      throw new ConfigError(
        `the embedded store at ${path} is in use by process ${holder}; stop it first (earshot keys, sql and import reach a running earshot start through its admin endpoint)`,
      );
    }
    try {
      this.session = new Session(path);
    } catch (error) {
      // The engine locks its directory (a `status` file with the holder's PID): one process.
      throw new ConfigError(
        `cannot open the embedded store at ${path}: ${(error as Error).message} (is another process using it?)`,
        { cause: error },
      );
    }
    this.settingsClause = Object.entries(QUERY_SETTINGS)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? `'${v}'` : v}`)
      .join(', ');
  }

  static async open(path: string, database: string): Promise<ChdbStore> {
    const store = new ChdbStore(path, database);
    // `database` is validated as an identifier by the config schema.
    await store.session.queryAsync(`CREATE DATABASE IF NOT EXISTS ${database}`);
    await store.session.queryAsync(`USE ${database}`);
    return store;
  }

  async command(sql: string, params: QueryParams = {}): Promise<void> {
    await this.run(() =>
      Object.keys(params).length > 0
        ? this.session.queryBindAsync(sql, params, { format: 'Null' })
        : this.session.queryAsync(sql, { format: 'Null' }),
    );
  }

  async query<T = Record<string, unknown>>(sql: string, params: QueryParams = {}): Promise<T[]> {
    const text = `${sql.trim().replace(/;$/, '')}\nSETTINGS ${this.settingsClause}`;
    const result = await this.run(() =>
      this.session.queryBindAsync(text, params, { format: 'JSONEachRow' }),
    );
    const body = result.text();
    if (body.length === 0) return [];
    return body
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T);
  }

  async insert(table: string, rows: readonly object[], options: InsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    const payload = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));
    await this.run(() =>
      this.session.insert({
        table: `${this.database}.${table}`,
        values: payload,
        format: 'JSONEachRow',
        settings: {
          ...INSERT_SETTINGS,
          ...(options.dedupToken ? { insert_deduplication_token: options.dedupToken } : {}),
        },
      }),
    );
  }

  async readOnlyQuery(
    sql: string,
    format: 'JSONEachRow' | 'PrettyCompactMonoBlock',
  ): Promise<string> {
    if (!this.readonlySession) {
      this.readonlySession = new Session(this.path, { connectionArgs: ['--readonly=1'] });
      await this.readonlySession.queryAsync(`USE ${this.database}`);
    }
    const session = this.readonlySession;
    const statement = await vetReadOnlySql(
      {
        canonical: async (text) =>
          (
            await this.run(() =>
              session.queryBindAsync(
                'SELECT formatQuerySingleLine({q:String})',
                { q: text },
                { format: 'TabSeparatedRaw' },
              ),
            )
          ).text(),
        explainAst: async (text) =>
          (
            await this.run(() =>
              session.queryAsync(`EXPLAIN AST ${text}`, { format: 'TabSeparatedRaw' }),
            )
          ).text(),
      },
      sql,
    );
    try {
      return (await this.run(() => session.queryAsync(statement, { format }))).text();
    } catch (error) {
      throw mapReadOnlyError(error);
    }
  }

  close(): Promise<void> {
    this.readonlySession?.close();
    this.session.close();
    return Promise.resolve();
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.session.open) throw new DependencyUnavailableError('chdb session is closed');
    return fn();
  }
}
