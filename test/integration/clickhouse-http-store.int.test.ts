import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DependencyUnavailableError } from '../../core/errors.ts';
import { ClickHouseServerStore } from '../../store/clickhouse-server.ts';
import { migrate, readMigrations } from '../../store/migrate.ts';
import { toMentionRow } from '../../store/mention-row.ts';
import type { Store } from '../../store/port.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { startChdbHttpFront, type ChdbHttpFront } from '../support/clickhouse-http.ts';

/**
 * The `clickhouse` store adapter (`@clickhouse/client` over HTTP) on its own: migrations,
 * bound values that try to break out, idempotent inserts, read-only analyst SQL and error
 * mapping. Against the server named by CLICKHOUSE_URL when there is one, else against the
 * engine behind the loopback ClickHouse HTTP front. (The API suite also runs on this adapter:
 * `api-http.int.test.ts`.)
 */
const services = inject('services');
let front: ChdbHttpFront | null = null;
let connection: { url: string; username: string; password: string };
let store: Store;
const database = `t_http_${Date.now().toString(36)}`;

beforeAll(async () => {
  if (services.clickhouse.kind === 'server') {
    const { url, user, password } = services.clickhouse;
    connection = { url, username: user, password };
  } else {
    front = await startChdbHttpFront();
    connection = { url: front.url, username: front.user, password: front.password };
  }
  store = await ClickHouseServerStore.open({ ...connection, database });
});

afterAll(async () => {
  await store?.close();
  await front?.close();
});

async function scalar(sql: string): Promise<number> {
  const rows = await store.query<{ v: number }>(sql.replace(/^SELECT (\S+)/, 'SELECT $1 AS v'));
  return rows[0]!.v;
}

describe('clickhouse adapter over HTTP', () => {
  it('applies every migration once, and a second run is a no-op', async () => {
    await migrate(store);
    await migrate(store);
    const applied = await store.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(applied.map((r) => Number(r.version))).toEqual(readMigrations().map((m) => m.version));
    if (front) expect(front.statements).toContain('CREATE');
  });

  it('returns bound values exactly, whatever characters they hold', async () => {
    const hostile = [
      "'; DROP TABLE mentions; --",
      'back\\slash and \\n not a newline',
      'tab\there\nnewline\r',
      "quote ' and '' and \\'",
      '{brand:String} looks like a placeholder',
      'Ελληνικά, فارسی, emoji 🎉',
    ];
    for (const value of hostile) {
      const [row] = await store.query<{ s: string; a: string[]; n: number }>(
        'SELECT {s:String} AS s, {a:Array(String)} AS a, length({a:Array(String)}) AS n',
        { s: value, a: [value, 'x'] },
      );
      expect(row).toEqual({ s: value, a: [value, 'x'], n: 2 });
    }
    expect(await scalar('SELECT count() FROM mentions')).toBe(0);
  });

  it('binds a sink-sized batch of ids (past any URL limit) and finds the stored ones', async () => {
    const ids = Array.from(
      { length: 20_000 },
      (_, i) => `bluesky:at://did:plc:${i}/app.bsky.feed.post/${i}`,
    );
    const [row] = await store.query<{ n: number; has: number }>(
      "SELECT length({ids:Array(String)}) AS n, has({ids:Array(String)}, 'bluesky:at://did:plc:7/app.bsky.feed.post/7') AS has",
      { ids },
    );
    expect(row).toEqual({ n: 20_000, has: 1 });
  });

  it('drops a repeated insert with the same dedup token, and keeps a new token', async () => {
    const rows = [1, 2, 3].map((i) => toMentionRow(anEnrichedMention({ id: `http:${i}` })));
    await store.insert('mentions', rows, { dedupToken: 'mentions.enriched.v1:0:0-2' });
    await store.insert('mentions', rows, { dedupToken: 'mentions.enriched.v1:0:0-2' });
    const count = () => scalar("SELECT count() FROM mentions WHERE id LIKE 'http:%'");
    expect(await count()).toBe(3);
    // The materialized views saw the block once too.
    expect(await scalar("SELECT count() FROM brand_mentions WHERE mention_id LIKE 'http:%'")).toBe(
      3,
    );
    await store.insert('mentions', [toMentionRow(anEnrichedMention({ id: 'http:4' }))], {
      dedupToken: 'mentions.enriched.v1:0:3-3',
    });
    expect(await count()).toBe(4);
  });

  it('runs analyst SQL read-only: reads work, writes, DDL and settings are refused', async () => {
    const table = await store.readOnlyQuery(
      "SELECT count() AS n FROM mentions WHERE id LIKE 'http:%'",
      'PrettyCompactMonoBlock',
    );
    expect(table).toMatch(/│\s+4\s+│/);
    const lines = await store.readOnlyQuery('SELECT number FROM numbers(3)', 'JSONEachRow');
    expect(
      lines
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ number: 0 }, { number: 1 }, { number: 2 }]);
    for (const sql of [
      'DROP TABLE mentions',
      "INSERT INTO mentions (id) VALUES ('x')",
      'CREATE TABLE evil (x UInt8) ENGINE = Memory',
      'SET readonly = 0',
    ]) {
      await expect(store.readOnlyQuery(sql, 'JSONEachRow'), sql).rejects.toThrow(
        /readonly|read-only/i,
      );
    }
    expect(await scalar("SELECT count() FROM mentions WHERE id LIKE 'http:%'")).toBe(4);
  });

  it('a bad statement is a plain error with the server’s reason, not a retriable one', async () => {
    const error = await store.query('SELEC 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DependencyUnavailableError);
    expect(String((error as Error).message)).toMatch(/syntax error/i);
  });

  it('an unreachable server is DependencyUnavailableError (retried by the stage runner)', async () => {
    const error = await ClickHouseServerStore.open({
      url: 'http://127.0.0.1:9',
      username: 'default',
      password: '',
      database: 'nowhere',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(String((error as Error).message)).toMatch(/clickhouse create_database failed/);
  });

  it('runs concurrent queries at once through the client’s connection pool', async () => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.query<{ v: number }>('SELECT {i:UInt8} + sleep(0.05) * 0 AS v', { i }),
      ),
    );
    expect(results.map((rows) => rows[0]!.v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The front answers one statement at a time (the embedded engine does), but the client
    // had them all on the wire at once; a server runs them in parallel.
    if (front) expect(front.maxInFlight).toBeGreaterThanOrEqual(4);
    else expect(performance.now() - started).toBeLessThan(8 * 50);
  });

  it('with a cluster named, DDL goes ON CLUSTER (a lone server has no such cluster and says so)', async () => {
    const error = await ClickHouseServerStore.open({
      ...connection,
      database: `${database}_c`,
      cluster: 'earshot_nowhere',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/cluster 'earshot_nowhere' not found/i);
  });

  it('wrong credentials are refused with the server’s message', async () => {
    const error = await ClickHouseServerStore.open({
      ...connection,
      password: `${connection.password}-wrong`,
      database,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/authentication failed|password/i);
  });
});
