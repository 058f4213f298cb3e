import { EarshotError } from '../core/errors.ts';

/**
 * Vetting of analyst SQL (`earshot sql`) before it runs. The engine's `readonly=1` refuses
 * INSERT, DDL, SET and most table functions, but not everything that touches the machine:
 * `SELECT … INTO OUTFILE` writes any file the process can (and a file written into the
 * engine's metadata folder becomes a table on the next open), the scalar `file()` reads any
 * file, BACKUP is not a "write" to it. So the query is parsed by the engine itself, and only
 * what it parsed is judged and run:
 *
 * 1. `formatQuerySingleLine({q:String})`: the engine parses the text (bound as a value, never
 *    run) and refuses more than one statement; comments are gone from what it gives back.
 * 2. `EXPLAIN AST <that text>`: the statement's tree, judged by an allow-list of statement
 *    kinds and table functions and a short deny-list of scalar functions that reach outside
 *    the database (there are hundreds of harmless scalar functions; the ones that read files,
 *    models or dictionary sources are few and named).
 * 3. The canonical text runs with `readonly=1`, so the statement checked is the one that runs.
 */

/** The query was refused: it would write, reach outside the database, or is not one read. */
export class SqlRefusedError extends EarshotError {
  readonly code = 'sql_refused';
  readonly retriable = false;
}

/** The engine could not run a query it was allowed to run (syntax, unknown table…). */
export class SqlFailedError extends EarshotError {
  readonly code = 'sql_failed';
  readonly retriable = false;
}

/** What vetting needs from the engine; both run in the adapter's read-only mode. */
export interface SqlParser {
  /** `SELECT formatQuerySingleLine({q:String})` with `sql` bound as q. */
  canonical(sql: string): Promise<string>;
  /** `EXPLAIN AST <sql>` as text (TabSeparatedRaw). */
  explainAst(sql: string): Promise<string>;
}

const refused = (reason: string) =>
  new SqlRefusedError(`refused (earshot sql is read-only): the query ${reason}`);

/** Statement kinds that only read (EXPLAIN is judged by what it explains). */
const READ_STATEMENTS = /^(SelectWithUnionQuery|DescribeQuery|Exists\w*Query|Show\w*|Explain)$/;

/** Table functions that make rows from their arguments or read this database only. */
const ALLOWED_TABLE_FUNCTIONS = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'generate_series',
  'generateSeries',
  'values',
  'view',
]);

/** Why a table function outside the allow-list is refused, for the ones people try. */
const TABLE_FUNCTION_REASONS: Array<[RegExp, string]> = [
  [/^file(Cluster)?$/i, 'reads files outside the database'],
  [/^(input|format)$/i, 'parses data that is not in the database'],
  [/^executable(Pool)?$/i, 'runs a program'],
  [
    /^(url|urlCluster|s3|s3Cluster|gcs|hdfs|hdfsCluster|azureBlobStorage|azureBlobStorageCluster|iceberg\w*|deltaLake\w*|hudi\w*|remote|remoteSecure|cluster|clusterAllReplicas|mysql|postgresql|mongodb|redis|jdbc|odbc|sqlite|arrowFlight|ytsaurus)$/i,
    'reads another server or storage outside the database',
  ],
  [/^dictionary$/i, 'reads a dictionary, whose source can be a file, URL or program'],
];

/** Scalar functions that read outside the database (allowed under readonly=1 by the engine). */
const DENIED_FUNCTIONS: Array<[RegExp, string]> = [
  [/^file$/i, 'reads files outside the database (file())'],
  [/^catboostEvaluate$/i, 'loads a model file from disk (catboostEvaluate())'],
  [/^dict\w+$/i, 'reads a dictionary, whose source can be a file, URL or program'],
];

interface AstNode {
  depth: number;
  type: string;
  name: string;
  parent: AstNode | null;
}

/** The indented text of EXPLAIN AST as nodes with their parents (one space per level). */
export function parseAstText(text: string): AstNode[] {
  const nodes: AstNode[] = [];
  const stack: AstNode[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const depth = line.length - line.trimStart().length;
    const [type = '', name = ''] = line.trim().split(/\s+/);
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const node: AstNode = { depth, type, name, parent: stack[stack.length - 1] ?? null };
    nodes.push(node);
    stack.push(node);
  }
  return nodes;
}

/**
 * Judge a statement by its tree; throws SqlRefusedError with the reason. `canonical` is the
 * engine's own one-line text of it, a second look at INTO OUTFILE with string literals and
 * quoted names removed.
 */
export function judgeAst(astText: string, canonical: string): void {
  const nodes = parseAstText(astText);
  const root = nodes[0];
  if (!root) throw refused('is empty');
  if (!READ_STATEMENTS.test(root.type)) {
    throw refused(
      `is not a read (${root.type.replace(/Query$/, '')}); earshot sql runs SELECT, WITH, SHOW, DESCRIBE, EXISTS and EXPLAIN`,
    );
  }
  const unquoted = canonical.replace(
    /'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"/g,
    "''",
  );
  for (const node of nodes) {
    const top = node.parent === root || (node.parent?.parent === root && root.type === 'Explain');
    // A statement's own children: its body, then INTO OUTFILE '<path>' (a string literal),
    // FORMAT (an identifier) and SETTINGS (a Set node).
    if (node.parent && top && node.type === 'Literal' && node.name.startsWith("'")) {
      throw refused('writes a file (INTO OUTFILE)');
    }
    // EXPLAIN's own options (`EXPLAIN PLAN header = 1`) are a Set under it, not engine settings.
    if (node.type === 'Set' && !(root.type === 'Explain' && node.parent === root))
      throw refused('changes settings (SETTINGS or SET)');
    if (node.type === 'Explain' && node !== root && node.parent !== root)
      throw refused('is not a read');
    if (node.type !== 'Function') continue;
    if (node.parent?.type === 'TableExpression') {
      if (ALLOWED_TABLE_FUNCTIONS.has(node.name)) continue;
      const reason = TABLE_FUNCTION_REASONS.find(([re]) => re.test(node.name))?.[1];
      throw refused(
        `${reason ?? 'uses a table function that is not allowed'} (${node.name}()); earshot sql allows the tables of the database and ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')}`,
      );
    }
    const denied = DENIED_FUNCTIONS.find(([re]) => re.test(node.name));
    if (denied) throw refused(denied[1]);
  }
  if (/\bINTO\s+OUTFILE\b/i.test(unquoted)) throw refused('writes a file (INTO OUTFILE)');
  if (root.type === 'Explain') {
    const explained = nodes.find(
      (n) => n.parent === root && !['Literal', 'Identifier', 'Set'].includes(n.type),
    );
    if (explained && !READ_STATEMENTS.test(explained.type)) throw refused('explains a write');
  }
}

/**
 * Parse `sql` with the engine, judge it, and return the text to run (the engine's canonical
 * form of the one statement). Engine refusals in read-only mode (SETTINGS) become
 * SqlRefusedError; syntax errors SqlFailedError.
 */
export async function vetReadOnlySql(parser: SqlParser, sql: string): Promise<string> {
  let canonical: string;
  try {
    canonical = (await parser.canonical(sql)).trim();
  } catch (error) {
    if (error instanceof EarshotError) throw error;
    const message = engineMessage(error);
    if (/Multi-statements are not allowed/i.test(message))
      throw refused('has more than one statement; send one at a time');
    throw new SqlFailedError(`query failed: ${message}`, { cause: error });
  }
  if (canonical === '') throw refused('is empty');
  let ast: string;
  try {
    ast = await parser.explainAst(canonical);
  } catch (error) {
    throw mapReadOnlyError(error);
  }
  judgeAst(ast, canonical);
  return canonical;
}

/** An engine error from a read-only query, as a refusal when read-only mode refused it. */
export function mapReadOnlyError(error: unknown): EarshotError {
  if (error instanceof EarshotError) return error;
  const message = engineMessage(error);
  const setting = /Cannot modify '([^']+)' setting in readonly mode/.exec(message)?.[1];
  if (setting) return refused(`changes the setting ${setting} (SETTINGS or SET)`);
  if (/READONLY|readonly mode/i.test(message))
    return refused(`was refused by the engine in read-only mode (${message})`);
  return new SqlFailedError(`query failed: ${message}`, { cause: error });
}

/** The first line of an engine error, without the driver's prefixes and version tail. */
function engineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = text.split('\n')[0] ?? text;
  return first
    .replace(/^Query failed:\s*/, '')
    .replace(/(Code: \d+\. DB::Exception: )+/g, '')
    .replace(/\s*\(version [^)]*\)/g, '')
    .trim();
}
