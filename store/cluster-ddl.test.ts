import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreConfigSchema } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { ClusterDdlError, LOCAL_SUFFIX, renderForCluster } from './cluster-ddl.ts';
import { openStore } from './index.ts';
import { readMigrations } from './migrate.ts';
import { RETENTION_TABLES } from './retention.ts';

/**
 * The cluster DDL is rendered from the single-node statements; these tests hold the two
 * together with the engine's own parser (chdb: `formatQuerySingleLine` and `EXPLAIN AST`),
 * for every migration file in store/migrations (new ones included, whatever they hold).
 */
const CLUSTER = 'earshot';
let session: Session;

beforeAll(() => {
  session = new Session(mkdtempSync(join(tmpdir(), 'earshot-cluster-ddl-')));
});
afterAll(() => session.close());

/** The engine's one-line text of a statement: it parses it, or throws. */
async function format(sql: string): Promise<string> {
  const result = await session.queryBindAsync(
    'SELECT formatQuerySingleLine({q:String})',
    { q: sql },
    { format: 'TabSeparatedRaw' },
  );
  return result.text().trim();
}

interface Ast {
  label: string;
  children: Ast[];
}

/** EXPLAIN AST as a tree (one space of indent per level; "(children n)" dropped). */
async function ast(sql: string): Promise<Ast> {
  const text = (
    await session.queryAsync(`EXPLAIN AST ${sql}`, { format: 'TabSeparatedRaw' })
  ).text();
  const root: Ast = { label: '', children: [] };
  const stack: Array<{ depth: number; node: Ast }> = [{ depth: -1, node: root }];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const depth = line.length - line.trimStart().length;
    const node = { label: line.trim().replace(/\s*\(children \d+\)$/, ''), children: [] };
    while (stack[stack.length - 1]!.depth >= depth) stack.pop();
    stack[stack.length - 1]!.node.children.push(node);
    stack.push({ depth, node });
  }
  return root.children[0]!;
}

const child = (node: Ast, label: string | RegExp): Ast => {
  const found = node.children.find((c) =>
    typeof label === 'string' ? c.label === label : label.test(c.label),
  );
  if (!found) throw new Error(`no ${String(label)} under ${node.label}`);
  return found;
};

/** Every single-node statement the store runs: the migrations, then the code's own DDL. */
function singleNodeStatements(): Array<{ where: string; sql: string }> {
  const migrations = readMigrations().flatMap((m) =>
    m.statements.map((sql, i) => ({ where: `${m.name} #${i + 1}`, sql })),
  );
  return [
    ...migrations,
    // store/migrate.ts, store/retention.ts, store/state-store.ts
    {
      where: 'schema_migrations',
      sql: `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree ORDER BY version`,
    },
    ...RETENTION_TABLES.map(({ table, column }) => ({
      where: `retention ${table}`,
      sql: `ALTER TABLE ${table} MODIFY TTL toDateTime(${column}) + toIntervalDay(30)`,
    })),
    { where: 'state-store', sql: 'OPTIMIZE TABLE enrich_state FINAL' },
  ];
}

describe('cluster DDL, rendered from the single-node statements', () => {
  it('renders every statement of every migration into statements the engine parses, each ON CLUSTER unless it only reads or inserts', async () => {
    const statements = singleNodeStatements();
    expect(statements.length).toBeGreaterThan(40);
    for (const { where, sql } of statements) {
      const rendered = renderForCluster(sql, CLUSTER);
      expect(rendered.length, where).toBeGreaterThan(0);
      for (const statement of rendered) {
        const text = await format(statement).catch((error: unknown) => {
          throw new Error(`${where}: the engine cannot parse ${statement}: ${String(error)}`);
        });
        if (/^INSERT\b/i.test(text)) {
          // Backfills run once, through the Distributed tables, and are left as written.
          expect(text, where).toBe(await format(sql));
        } else {
          expect(text, where).toMatch(new RegExp(` ON CLUSTER ${CLUSTER}( |$)`));
        }
      }
    }
  });

  it('keeps each table whole: a replicated local table with the same columns, keys and settings, and a Distributed table sharded by its order key', async () => {
    let tables = 0;
    for (const { where, sql } of singleNodeStatements()) {
      const single = await ast(sql);
      if (
        single.label.startsWith('CreateQuery') &&
        single.children.some((c) => c.label === 'Storage definition')
      ) {
        tables++;
        const name = single.label.replace(/^CreateQuery\s+/, '');
        const [localSql, distributedSql] = renderForCluster(sql, CLUSTER);
        const local = await ast(localSql!);
        expect(local.label, where).toBe(`CreateQuery ${name}${LOCAL_SUFFIX}`);
        // Columns, indexes and projections: the same tree.
        expect(child(local, 'Columns definition'), where).toEqual(
          child(single, 'Columns definition'),
        );
        // Storage: the engine made Replicated (Keeper path and replica first), the rest equal.
        const [engine, ...storage] = child(local, 'Storage definition').children;
        const [singleEngine, ...singleStorage] = child(single, 'Storage definition').children;
        expect(storage, where).toEqual(singleStorage);
        expect(engine!.label, where).toBe(
          singleEngine!.label.replace('Function ', 'Function Replicated'),
        );
        const args = engine!.children[0]!.children;
        expect(
          args.slice(0, 2).map((a) => a.label),
          where,
        ).toEqual([
          "Literal '/clickhouse/tables/{shard}/{database}/{table}'",
          "Literal '{replica}'",
        ]);
        expect(args.slice(2), where).toEqual(singleEngine!.children[0]?.children ?? []);
        // The insert-deduplication window carries over, as the replicated setting.
        const singleText = await format(sql);
        const localText = await format(localSql!);
        for (const [, window] of singleText.matchAll(
          /non_replicated_deduplication_window = (\d+)/g,
        ))
          expect(localText, where).toContain(` replicated_deduplication_window = ${window}`);
        expect(localText, where).not.toContain('non_replicated_deduplication_window');

        // The Distributed table, under the single-node name, over the local one.
        const distributed = await ast(distributedSql!);
        expect(distributed.label, where).toBe(`CreateQuery ${name}`);
        expect(await format(distributedSql!), where).toContain(
          ` ON CLUSTER ${CLUSTER} AS ${name}${LOCAL_SUFFIX} `,
        );
        const [fn] = child(distributed, 'Storage definition').children;
        expect(fn!.label, where).toBe('Function Distributed');
        expect(
          fn!.children[0]!.children.slice(0, 3).map((a) => a.label),
          where,
        ).toEqual([
          `Identifier ${CLUSTER}`,
          'Function currentDatabase',
          `Identifier ${name}${LOCAL_SUFFIX}`,
        ]);
        // Sharded by a hash of exactly the order key's columns (in the engine's own text):
        // rows that ReplacingMergeTree must collapse meet on one shard.
        const orderKey = /ORDER BY (\(.*?\)|\S+)(?= TTL | SETTINGS |$)/.exec(singleText)?.[1];
        expect(orderKey, where).toBeDefined();
        expect(await format(distributedSql!), where).toMatch(
          ` ENGINE = Distributed(${CLUSTER}, currentDatabase(), ${name}${LOCAL_SUFFIX}, cityHash64(${orderKey!.replace(/^\((.*)\)$/, '$1')}))`,
        );
      }
    }
    expect(tables).toBeGreaterThanOrEqual(15);
  });

  it('puts every materialized view on the local tables: same SELECT, read from the local source, written to the local target', async () => {
    let views = 0;
    for (const { where, sql } of singleNodeStatements()) {
      const target = /^CREATE MATERIALIZED VIEW (?:IF NOT EXISTS )?\w+ TO (\w+)/i.exec(sql)?.[1];
      if (!target) continue;
      views++;
      const [rendered, ...more] = renderForCluster(sql, CLUSTER);
      expect(more, where).toEqual([]);
      expect(await format(rendered!), where).toContain(
        ` ON CLUSTER ${CLUSTER} TO ${target}${LOCAL_SUFFIX} AS SELECT `,
      );
      // The same tree, but for the source table, read locally under its own name (so
      // `mentions.topic_ids` in a view still resolves).
      const single = JSON.stringify(await ast(sql));
      const source = /"label":"TableIdentifier (\w+)"/.exec(single)?.[1];
      expect(source, where).toBeDefined();
      expect(JSON.stringify(await ast(rendered!)), where).toBe(
        single.replace(
          `"label":"TableIdentifier ${source}"`,
          `"label":"TableIdentifier ${source}${LOCAL_SUFFIX} (alias ${source})"`,
        ),
      );
    }
    expect(views).toBeGreaterThanOrEqual(10);
  });

  it('changes columns on both tables of a pair and storage (TTL) on the local table only; functions on every server', () => {
    const addColumn = 'ALTER TABLE mentions ADD COLUMN IF NOT EXISTS x Bool DEFAULT false';
    expect(renderForCluster(addColumn, CLUSTER)).toEqual([
      'ALTER TABLE mentions_local ON CLUSTER earshot ADD COLUMN IF NOT EXISTS x Bool DEFAULT false',
      'ALTER TABLE mentions ON CLUSTER earshot ADD COLUMN IF NOT EXISTS x Bool DEFAULT false',
    ]);
    expect(renderForCluster('ALTER TABLE brand_minutely REMOVE TTL', CLUSTER)).toEqual([
      'ALTER TABLE brand_minutely_local ON CLUSTER earshot REMOVE TTL',
    ]);
    // Any order key: a tuple with nested calls, one column, one expression.
    const key = (orderBy: string) =>
      renderForCluster(
        `CREATE TABLE t (a String, b DateTime) ENGINE = MergeTree ORDER BY ${orderBy} SETTINGS index_granularity = 8192`,
        CLUSTER,
      )[1]!.split('\n')[1];
    expect(key('(a, toStartOfHour(toDateTime(b)))')).toBe(
      'ENGINE = Distributed(earshot, currentDatabase(), t_local, cityHash64(a, toStartOfHour(toDateTime(b))))',
    );
    expect(key('a')).toBe(
      'ENGINE = Distributed(earshot, currentDatabase(), t_local, cityHash64(a))',
    );
    expect(key('toDate(b)')).toBe(
      'ENGINE = Distributed(earshot, currentDatabase(), t_local, cityHash64(toDate(b)))',
    );
    expect(key('tuple()')).toBe(
      'ENGINE = Distributed(earshot, currentDatabase(), t_local, rand())',
    );
    // Mixed: the column part reaches the Distributed table too; a dropped column leaves it first.
    expect(renderForCluster('ALTER TABLE t ADD COLUMN y UInt8, MODIFY TTL x + 1', CLUSTER)).toEqual(
      [
        'ALTER TABLE t_local ON CLUSTER earshot ADD COLUMN y UInt8, MODIFY TTL x + 1',
        'ALTER TABLE t ON CLUSTER earshot ADD COLUMN y UInt8',
      ],
    );
    expect(renderForCluster('ALTER TABLE t DROP COLUMN IF EXISTS y', CLUSTER)).toEqual([
      'ALTER TABLE t ON CLUSTER earshot DROP COLUMN IF EXISTS y',
      'ALTER TABLE t_local ON CLUSTER earshot DROP COLUMN IF EXISTS y',
    ]);
    expect(
      renderForCluster('CREATE FUNCTION IF NOT EXISTS share AS (a, b) -> a / b', CLUSTER),
    ).toEqual(['CREATE FUNCTION IF NOT EXISTS share ON CLUSTER earshot AS (a, b) -> a / b']);
    expect(renderForCluster('DROP TABLE IF EXISTS t', CLUSTER)).toEqual([
      'DROP TABLE IF EXISTS t ON CLUSTER earshot',
      'DROP TABLE IF EXISTS t_local ON CLUSTER earshot',
    ]);
    expect(renderForCluster('DROP VIEW IF EXISTS brand_mentions_mv', CLUSTER)).toEqual([
      'DROP VIEW IF EXISTS brand_mentions_mv ON CLUSTER earshot',
    ]);
  });

  it('refuses what has no cluster form, naming the statement, rather than run it on one server', () => {
    const refused = (sql: string) => () => renderForCluster(sql, CLUSTER);
    expect(refused('CREATE TABLE t (x UInt8) ENGINE = Memory')).toThrow(
      /CREATE TABLE t .*not a MergeTree table/,
    );
    expect(refused('RENAME TABLE a TO b')).toThrow(ClusterDdlError);
    expect(refused('CREATE MATERIALIZED VIEW v ENGINE = MergeTree ORDER BY x AS SELECT 1')).toThrow(
      /kind the cluster layout does not know/,
    );
    expect(() => renderForCluster('SELECT 1', 'bad-name')).toThrow(/CLICKHOUSE_CLUSTER/);
  });

  it('CLICKHOUSE_CLUSTER is an identifier, empty means none, and only a server store takes it', async () => {
    expect(StoreConfigSchema.parse({ CLICKHOUSE_CLUSTER: 'earshot' }).CLICKHOUSE_CLUSTER).toBe(
      'earshot',
    );
    expect(StoreConfigSchema.parse({ CLICKHOUSE_CLUSTER: '' }).CLICKHOUSE_CLUSTER).toBeUndefined();
    expect(() => StoreConfigSchema.parse({ CLICKHOUSE_CLUSTER: 'a b' })).toThrow(/identifier/);
    const settings = StoreConfigSchema.parse({ CLICKHOUSE_CLUSTER: 'earshot' });
    await expect(openStore(settings)).rejects.toThrow(ConfigError);
    await expect(openStore(settings)).rejects.toThrow(/needs EARSHOT_STORE=clickhouse/);
  });
});
