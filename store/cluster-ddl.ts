import { ConfigError } from '../core/errors.ts';

/**
 * The cluster form of earshot's DDL (`CLICKHOUSE_CLUSTER`), rendered from the same statements
 * the single-node store runs (the migration files and the few DDL commands of the code), so
 * the two layouts cannot drift: there is no second copy of the schema to keep in step.
 *
 * Layout, for every table `t` of the single-node schema:
 * - `t_local`: the same columns, order key and partitioning on every node, with the engine made
 *   `Replicated*MergeTree` (replicas of a shard share a Keeper path named by the `{shard}` and
 *   `{replica}` macros of each node's configuration);
 * - `t`: a `Distributed` table over `t_local`, under the name every query and insert already
 *   uses. Reads fan out to one replica of each shard; inserts are split by a sharding key.
 *
 * Materialized views sit on the local tables (`FROM t_local`, `TO r_local`): each shard
 * aggregates the rows inserted into it, and the rollups are read through `r`, whose queries
 * already sum or merge partial rows (a rollup is never read as one row per key). The sharding
 * key is a hash of the table's order key: rows that ReplacingMergeTree must collapse (the same
 * mention id, the same key of a rule or cursor) always land on the same shard, so FINAL and
 * merges stay correct per shard, and the rows a view derives from a mention stay beside it.
 *
 * Statements are recognised by kind; a kind the cluster form does not know is refused with the
 * statement, rather than run single-node on one server of a cluster.
 */

/** Names of the local (sharded, replicated) tables. */
export const LOCAL_SUFFIX = '_local';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Refused cluster names and statements that have no cluster form. */
export class ClusterDdlError extends ConfigError {}

/** The statements to run on a cluster for one single-node statement, in order. */
export function renderForCluster(sql: string, cluster: string): string[] {
  if (!IDENTIFIER.test(cluster)) {
    throw new ClusterDdlError(
      `CLICKHOUSE_CLUSTER must be a cluster name from the servers' remote_servers (letters, digits, _), got "${cluster}"`,
    );
  }
  const statement = sql.trim().replace(/;\s*$/, '');
  const on = `ON CLUSTER ${cluster}`;
  let m: RegExpExecArray | null;

  if ((m = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(/i.exec(statement))) {
    return createTable(statement, m[1] ?? '', m[2]!, m[0].length - 1, cluster);
  }
  if (
    (m = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+TO\s+(\w+)\s+/i.exec(
      statement,
    ))
  ) {
    const [head, ifNotExists = '', view, target] = m;
    const select = statement.slice(head.length);
    return [
      `CREATE MATERIALIZED VIEW ${ifNotExists}${view} ${on} TO ${target}${LOCAL_SUFFIX} ${localSource(select, statement)}`,
    ];
  }
  if ((m = /^CREATE\s+(OR\s+REPLACE\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+/i.exec(statement))) {
    // A plain view reads through the Distributed tables, as any query does.
    const [head, orReplace = '', ifNotExists = '', view] = m;
    return [`CREATE ${orReplace}VIEW ${ifNotExists}${view} ${on} ${statement.slice(head.length)}`];
  }
  if (
    (m = /^CREATE\s+(OR\s+REPLACE\s+)?FUNCTION\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+AS\b/i.exec(
      statement,
    ))
  ) {
    // SQL functions live in each server's metadata: every server needs them.
    const [head, orReplace = '', ifNotExists = '', name] = m;
    return [
      `CREATE ${orReplace}FUNCTION ${ifNotExists}${name} ${on} AS${statement.slice(head.length)}`,
    ];
  }
  if ((m = /^CREATE\s+DATABASE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*$/i.exec(statement))) {
    return [`CREATE DATABASE ${m[1] ?? ''}${m[2]} ${on}`];
  }
  if ((m = /^ALTER\s+TABLE\s+(\w+)\s+/i.exec(statement))) {
    const [head, table] = m;
    const commands = statement.slice(head.length);
    const local = `ALTER TABLE ${table}${LOCAL_SUFFIX} ${on} ${commands}`;
    // A Distributed table has columns but no storage: column changes go to both, storage
    // changes (TTL, indexes, settings, partitions, mutations) to the local tables only.
    const columnChanges = topLevelCommands(commands).filter((c) =>
      /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i.test(c),
    );
    if (columnChanges.length === 0) return [local];
    const distributed = `ALTER TABLE ${table} ${on} ${columnChanges.join(', ')}`;
    // The Distributed table forwards inserts by column name: it gets a new column after the
    // local tables, and stops sending a dropped one before they lose it.
    return columnChanges.some((c) => /^DROP\b/i.test(c))
      ? [distributed, local]
      : [local, distributed];
  }
  if ((m = /^DROP\s+(VIEW|DICTIONARY)\s+(IF\s+EXISTS\s+)?(\w+)\s*(SYNC)?$/i.exec(statement))) {
    return [`DROP ${m[1]} ${m[2] ?? ''}${m[3]} ${on}${m[4] ? ' SYNC' : ''}`];
  }
  if ((m = /^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?(\w+)\s*(SYNC)?$/i.exec(statement))) {
    const sync = m[3] ? ' SYNC' : '';
    return [
      `DROP TABLE ${m[1] ?? ''}${m[2]} ${on}${sync}`,
      `DROP TABLE ${m[1] ?? ''}${m[2]}${LOCAL_SUFFIX} ${on}${sync}`,
    ];
  }
  if ((m = /^(OPTIMIZE|TRUNCATE)\s+TABLE\s+(IF\s+EXISTS\s+)?(\w+)\b/i.exec(statement))) {
    const [head, verb, ifExists = '', table] = m;
    return [
      `${verb} TABLE ${ifExists}${table}${LOCAL_SUFFIX} ${on}${statement.slice(head.length)}`,
    ];
  }
  if ((m = /^DELETE\s+FROM\s+(\w+)\s+(WHERE\b[\s\S]*)$/i.exec(statement))) {
    return [`DELETE FROM ${m[1]}${LOCAL_SUFFIX} ${on} ${m[2]}`];
  }
  // Reads and INSERT … SELECT (the migrations' one-time backfills) run once, through the
  // Distributed tables: reads fan out, and inserted rows are sharded like any insert.
  if (/^(INSERT|SELECT|WITH|SHOW|DESCRIBE|EXISTS|EXPLAIN)\b/i.test(statement)) return [statement];
  throw unsupported(statement, 'is of a kind the cluster layout does not know');
}

/**
 * `CREATE TABLE t (…) ENGINE = XMergeTree(args) …` → the replicated local table and the
 * Distributed table in front of it.
 */
function createTable(
  statement: string,
  ifNotExists: string,
  table: string,
  columnsStart: number,
  cluster: string,
): string[] {
  const columnsEnd = matchingParen(statement, columnsStart);
  const columns = statement.slice(columnsStart, columnsEnd + 1);
  const storage = statement.slice(columnsEnd + 1);
  const engine = /^\s*ENGINE\s*=\s*(\w*)MergeTree\b(\s*\(([^()]*)\))?/i.exec(storage);
  if (!engine) {
    throw unsupported(
      statement,
      'is not a MergeTree table; only the MergeTree family can be replicated and sharded',
    );
  }
  const [engineText, family = '', , args = ''] = engine;
  if (/^Replicated/i.test(family)) throw unsupported(statement, 'is already replicated');
  const rest = storage
    .slice(engineText.length)
    // Replicated tables keep their insert-deduplication hashes in Keeper, per shard, in a
    // window of their own (the non_replicated_ setting is for tables on one disk).
    .replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
  const orderBy = orderKey(rest);
  if (orderBy === null)
    throw unsupported(statement, 'has no ORDER BY to derive a sharding key from');
  const key = orderBy.replace(/^\((.*)\)$/s, '$1').trim();
  const shardingKey = key === '' || /^tuple\(\s*\)$/i.test(key) ? 'rand()' : `cityHash64(${key})`;
  const replicatedArgs = [
    // {database} and {table} are filled by the server: one Keeper path per table and shard.
    `'/clickhouse/tables/{shard}/{database}/{table}'`,
    `'{replica}'`,
    ...(args.trim() ? [args.trim()] : []),
  ].join(', ');
  const on = `ON CLUSTER ${cluster}`;
  const local = `${table}${LOCAL_SUFFIX}`;
  return [
    `CREATE TABLE ${ifNotExists}${local} ${on} ${columns}\nENGINE = Replicated${family}MergeTree(${replicatedArgs})${rest}`,
    `CREATE TABLE ${ifNotExists}${table} ${on} AS ${local}\nENGINE = Distributed(${cluster}, currentDatabase(), ${local}, ${shardingKey})`,
  ];
}

/** The ORDER BY expression of a table's storage clauses: `(a, f(g(b)))`, `id` or `f(x)`. */
function orderKey(storage: string): string | null {
  const at = /\bORDER\s+BY\s+/i.exec(storage);
  if (!at) return null;
  const start = at.index + at[0].length;
  const name = /^[\w.]*/.exec(storage.slice(start))![0];
  const open = start + name.length;
  if (storage[open] !== '(') return name || null;
  return storage.slice(start, matchingParen(storage, open) + 1);
}

/**
 * A view's SELECT with its source (the first FROM outside parentheses) read from the local
 * table, under the source's own name so `source.column` references keep resolving.
 */
function localSource(select: string, statement: string): string {
  const at = topLevelIndex(select, /\bFROM\s+(\w+)(\s+AS\s+\w+)?/iy);
  if (!at) throw unsupported(statement, 'has no FROM table');
  const { index, match } = at;
  const [text, source, alias] = match;
  return `${select.slice(0, index)}FROM ${source}${LOCAL_SUFFIX}${alias ?? ` AS ${source}`}${select.slice(index + text.length)}`;
}

/** The comma-separated commands of an ALTER, split outside parentheses and quotes. */
function topLevelCommands(commands: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  scan(commands, (ch, i) => {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(commands.slice(start, i).trim());
      start = i + 1;
    }
  });
  parts.push(commands.slice(start).trim());
  return parts;
}

/** The first match of a sticky `re` at parenthesis depth 0, outside string literals. */
function topLevelIndex(text: string, re: RegExp): { index: number; match: RegExpExecArray } | null {
  let depth = 0;
  let found: { index: number; match: RegExpExecArray } | null = null;
  scan(text, (ch, i) => {
    if (found) return;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && (i === 0 || /\W/.test(text[i - 1]!))) {
      re.lastIndex = i;
      const match = re.exec(text);
      if (match) found = { index: i, match };
    }
  });
  return found;
}

/** Index of the parenthesis closing the one at `open`. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  let close = -1;
  scan(text.slice(open), (ch, i) => {
    if (close >= 0) return;
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) close = open + i;
  });
  if (close < 0) throw unsupported(text, 'has unbalanced parentheses');
  return close;
}

/** Calls `visit` for every character outside '…', "…" and `…` literals. */
function scan(text: string, visit: (ch: string, i: number) => void): void {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      continue;
    }
    visit(ch, i);
  }
}

function unsupported(statement: string, why: string): ClusterDdlError {
  const head = statement.replace(/\s+/g, ' ').slice(0, 120);
  return new ClusterDdlError(`cannot run on a ClickHouse cluster: the statement "${head}…" ${why}`);
}
