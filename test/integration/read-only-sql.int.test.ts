import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ChdbStore } from '../../store/chdb.ts';
import type { Store } from '../../store/port.ts';
import { SqlFailedError, SqlRefusedError } from '../../store/read-only-sql.ts';
import { freshHttpStore } from '../support/store.ts';

/**
 * `earshot sql` (Store.readOnlyQuery) against the real engine, on both adapters: every way
 * we know to write a file, read outside the database or change the engine is refused with a
 * reason that is true, no file appears on disk, and ordinary reads keep working.
 */
const services = inject('services');
const dir = mkdtempSync(join(tmpdir(), 'earshot-ro-sql-'));
const chdbPath = join(dir, 'chdb');
const out = (name: string) => join(dir, name);

/** [query, what the refusal must say]; every path named here must not exist afterwards. */
const REFUSED: Array<[string, RegExp]> = [
  [`SELECT * FROM t INTO OUTFILE '${out('o1.csv')}' TRUNCATE`, /writes a file \(INTO OUTFILE\)/],
  [`SELECT * FROM t /* a comment */ INTO   OUTFILE '${out('o2.csv')}'`, /writes a file/],
  [`select * from t into outfile '${out('o3.csv')}' format CSV`, /writes a file/],
  // A file in the engine's metadata folder would become a table on the next open.
  [`SELECT 'x' INTO OUTFILE '${join(chdbPath, 'metadata', 'evil.sql')}'`, /writes a file/],
  [`SHOW TABLES INTO OUTFILE '${out('o4.csv')}'`, /writes a file/],
  [`DESCRIBE TABLE t INTO OUTFILE '${out('o5.csv')}'`, /writes a file/],
  [`EXPLAIN SELECT 1 INTO OUTFILE '${out('o6.csv')}'`, /writes a file/],
  [`SELECT 1 UNION ALL SELECT 2 INTO OUTFILE '${out('o7.csv')}' AND STDOUT`, /writes a file/],
  [`WITH x AS (SELECT 1) SELECT * FROM x INTO OUTFILE '${out('o8.csv')}'`, /writes a file/],
  [`INSERT INTO FUNCTION file('${out('o9.csv')}', 'CSV') SELECT 1`, /not a read \(Insert\)/],
  [`BACKUP TABLE t TO File('${out('backup')}')`, /not a read \(Backup\)/],
  ["SELECT file('/etc/hostname')", /reads files outside the database/],
  ["SELECT * FROM file('/etc/hostname', 'LineAsString')", /reads files outside the database/],
  ["SELECT * FROM view(SELECT * FROM file('/etc/hostname'))", /reads files outside the database/],
  ["DESCRIBE file('/etc/hostname')", /reads files outside the database/],
  ["SELECT * FROM url('http://127.0.0.1:9/x.csv', 'CSV', 'a String')", /another server or storage/],
  ["SELECT * FROM s3('http://127.0.0.1:9/b/x.csv')", /another server or storage/],
  ["SELECT * FROM hdfs('hdfs://127.0.0.1:9/x', 'CSV', 'a String')", /another server or storage/],
  ["SELECT * FROM remote('127.0.0.1:9', system.one)", /another server or storage/],
  ["SELECT * FROM mysql('127.0.0.1:9', 'd', 't', 'u', 'p')", /another server or storage/],
  ["SELECT * FROM postgresql('127.0.0.1:9', 'd', 't', 'u', 'p')", /another server or storage/],
  ["SELECT * FROM executable('id', 'TSV', 'a String')", /runs a program/],
  ["SELECT * FROM format(CSV, 'a String', 'x')", /parses data that is not in the database/],
  ["SELECT * FROM dictionary('d')", /reads a dictionary/],
  ["SELECT dictGet('d', 'a', toUInt64(1))", /reads a dictionary/],
  ["SELECT catboostEvaluate('/etc/hostname', 1)", /loads a model file/],
  ['SELECT 1; SELECT 2', /more than one statement/],
  ['SELECT 1; INSERT INTO t VALUES (3)', /more than one statement/],
  ['SELECT * FROM t SETTINGS readonly = 0', /changes the setting readonly/],
  ['SELECT 1 SETTINGS max_threads = 1', /changes the setting max_threads/],
  [
    "SELECT 1 FORMAT Template SETTINGS format_template_resultset = '/etc/hostname'",
    /changes the setting format_template_resultset/,
  ],
  ['SET readonly = 0', /not a read \(Set\)/],
  ['INSERT INTO t VALUES (3)', /not a read \(Insert\)/],
  ['DROP TABLE t', /not a read \(Drop\)/],
  ['SYSTEM FLUSH LOGS', /not a read/],
  [
    "CREATE DICTIONARY d (a UInt64) PRIMARY KEY a SOURCE(FILE(path '/etc/hostname' format 'CSV')) LAYOUT(FLAT()) LIFETIME(0)",
    /not a read \(Create\)/,
  ],
];

const READS: Array<[string, 'JSONEachRow' | 'PrettyCompactMonoBlock', RegExp]> = [
  ['SELECT count() AS n FROM t', 'JSONEachRow', /^\{"n":2\}\n$/],
  ['SELECT count() AS n FROM t FORMAT JSON', 'JSONEachRow', /"data":\s*\[\s*\{\s*"n": 2/],
  ['SELECT a FROM t ORDER BY a FORMAT CSV', 'JSONEachRow', /^1\n2\n$/],
  ['WITH x AS (SELECT a FROM t) SELECT sum(a) AS s FROM x', 'JSONEachRow', /"s":3/],
  ['SELECT a FROM t WHERE a IN (SELECT 1)', 'JSONEachRow', /^\{"a":1\}\n$/],
  ["SELECT name FROM system.tables WHERE name = 't'", 'JSONEachRow', /"name":"t"/],
  ["SELECT 'INTO OUTFILE ''x''' AS s", 'JSONEachRow', /INTO OUTFILE 'x'/],
  ["SHOW TABLES LIKE 't%'", 'JSONEachRow', /"name":"t"/],
  ['DESCRIBE t', 'JSONEachRow', /"name":"a"/],
  ['EXISTS t', 'JSONEachRow', /"result":1/],
  ['EXPLAIN SELECT a FROM t', 'JSONEachRow', /explain/],
  ['SELECT number FROM numbers(2) -- ; DROP TABLE t', 'JSONEachRow', /"number":1/],
  ['SELECT 1 AS one;', 'PrettyCompactMonoBlock', /one/],
];

const adapters: Array<[string, () => Promise<Store>]> = [
  ['chdb', () => ChdbStore.open(chdbPath, 'earshot')],
  ['clickhouse (HTTP)', () => freshHttpStore(services)],
];

describe.each(adapters)('earshot sql on the %s adapter', (_name, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
    await store.command('CREATE TABLE t (a Int32) ENGINE = MergeTree ORDER BY a');
    await store.command('INSERT INTO t VALUES (1), (2)');
  });
  afterAll(async () => {
    await store.command('DROP TABLE IF EXISTS t');
    await store.close();
  });

  it.each(REFUSED)('refuses %s', async (sql, reason) => {
    const error = await store.readOnlyQuery(sql, 'JSONEachRow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlRefusedError);
    expect((error as Error).message).toMatch(/^refused \(earshot sql is read-only\): the query /);
    expect((error as Error).message).toMatch(reason);
  });

  it('wrote nothing: no file from any refused query, the table and its rows intact', async () => {
    for (const [sql] of REFUSED) {
      for (const path of sql.match(/'\/[^']*'/g) ?? []) {
        const file = path.slice(1, -1);
        if (file.startsWith(dir)) expect(existsSync(file), file).toBe(false);
      }
    }
    expect(readdirSync(dir).filter((f) => f !== 'chdb')).toEqual([]);
    expect(await store.query('SELECT count() AS n FROM t')).toEqual([{ n: 2 }]);
  });

  it.each(READS)('answers %s', async (sql, format, expected) => {
    expect(await store.readOnlyQuery(sql, format)).toMatch(expected);
  });

  it('a query that is wrong (not refused) fails with the engine’s reason', async () => {
    const error = await store.readOnlyQuery('SELEC 1', 'JSONEachRow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlFailedError);
    expect((error as Error).message).toMatch(/^query failed: .*syntax error/i);
    const missing = await store
      .readOnlyQuery('SELECT * FROM no_such_table', 'JSONEachRow')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SqlFailedError);
    expect((missing as Error).message).toMatch(/no_such_table/);
  });
});
