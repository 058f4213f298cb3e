import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';

/**
 * ClickHouse's HTTP interface in front of the ClickHouse engine that chdb embeds, on loopback.
 *
 * Why: this machine (and CI) has no Docker and no ClickHouse server binary, but the
 * `clickhouse` store adapter (`@clickhouse/client` over HTTP) must be tested end to end. This
 * front speaks the part of the HTTP protocol the client uses — the query from the `query` URL
 * parameter followed by the POST body, `param_*` bound values (URL or multipart body),
 * `database`, any other URL parameter as a per-request setting, `readonly`, Basic auth, `/ping`,
 * and errors as `Code: N. DB::Exception: …` with `X-ClickHouse-Exception-Code` — and hands every
 * statement to the real engine. SQL parsing, parameter binding, formats, inserts with
 * deduplication tokens, materialized views and read-only refusals are the engine's own.
 *
 * When `CLICKHOUSE_URL` points at a real server, the tests use that server instead.
 */
export interface ChdbHttpFront {
  url: string;
  user: string;
  password: string;
  /** Requests served, by the first word of the statement (for assertions). */
  statements: string[];
  /**
   * Most requests open at once (received, not yet answered): what the client sent in parallel.
   * The engine itself runs them one at a time.
   */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** URL parameters of the HTTP interface that are not settings. */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'default_format',
  'user',
  'password',
  'compress',
  'decompress',
  'role',
  'quota_key',
  'buffer_size',
  'wait_end_of_query',
]);

/** The engine refuses `readonly` being changed back in a session; a second session has it fixed. */
const READONLY_SETTING = 'readonly';

export async function startChdbHttpFront(
  options: {
    user?: string;
    password?: string;
    /** An engine directory to serve (kept on close); default: a new temporary one. */
    dataDir?: string;
    /**
     * Serve as a cluster of this name (CLICKHOUSE_CLUSTER) with one shard of one replica: the
     * engine's own `remote_servers` names this process, so Distributed tables, the views on
     * the local tables, Distributed inserts and reads are the engine's real ones. There is no
     * Keeper in a process, so `ON CLUSTER` runs here (on the one server) and replicated engines
     * run as their non-replicated selves (the same tables, without the copies).
     */
    cluster?: string;
  } = {},
): Promise<ChdbHttpFront> {
  const user = options.user ?? 'default';
  const password = options.password ?? 'front-secret';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'earshot-chfront-'));
  const clusterArgs = options.cluster ? [`--config-file=${clusterConfig(options.cluster)}`] : [];
  const session = new Session(dataDir, { connectionArgs: clusterArgs });
  // Read-only sessions by their settings: a session started with `--readonly=1` refuses SET,
  // so each combination of per-request settings gets its own session, opened once.
  const readonlySessions = new Map<string, Session>();
  const statements: string[] = [];
  // One statement at a time: per-request settings are applied with SET and reset afterwards.
  let queue: Promise<unknown> = Promise.resolve();

  // Node's default 16 KiB header limit is kept on purpose: stricter than a server's URI limit
  // (1 MiB) and as strict as common proxies, so an adapter that puts big values in the URL fails.
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.on('close', () => inFlight--);
    void readBody(req).then((body) => {
      // A request the front cannot read (a broken multipart body) still gets an answer.
      queue = queue
        .then(() => handle(req, body, res))
        .catch((error: unknown) => {
          if (!res.headersSent) fail(res, 400, String(error), 'CANNOT_PARSE_INPUT', 27);
        });
    });
  });

  async function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    if (url.pathname === '/ping') return reply(res, 200, 'Ok.\n');
    if (!authorized(req, url, user, password)) {
      return fail(
        res,
        516,
        `${user}: Authentication failed: password is incorrect`,
        'AUTHENTICATION_FAILED',
      );
    }
    const params = new Map(url.searchParams);
    let bodyText = body.toString('utf8');
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(body, {
        headers: { 'content-type': contentType },
      }).formData();
      bodyText = '';
      for (const [key, part] of form) {
        const value = typeof part === 'string' ? part : await part.text();
        if (key === 'query') bodyText = value;
        else params.set(key, value);
      }
    }
    const text = [params.get('query'), bodyText]
      .filter((part) => part && part.length > 0)
      .join('\n');
    const sql = options.cluster ? asOneServer(text, options.cluster) : text;
    if (sql.trim().length === 0) return fail(res, 400, 'Empty query', 'SYNTAX_ERROR', 62);

    const types = placeholderTypes(sql);
    const bound: Record<string, unknown> = {};
    const settings: [string, string][] = [];
    for (const [key, value] of params) {
      if (key.startsWith('param_')) {
        const name = key.slice('param_'.length);
        bound[name] = fromEscapedText(value, types.get(name) ?? 'String');
      } else if (!NOT_SETTINGS.has(key)) settings.push([key, value]);
    }
    const readonly = settings.some(([k, v]) => k === READONLY_SETTING && v !== '0');
    const target = readonly ? readonlySessionFor(settings) : session;
    const database = params.get('database');
    const format = params.get('default_format') ?? 'TabSeparated';
    statements.push(sql.trimStart().split(/\s+/, 1)[0]!.toUpperCase());

    const applied: string[] = [];
    try {
      if (database) await target.queryAsync(`USE ${quoteIdentifier(database)}`);
      for (const [key, value] of readonly ? [] : settings) {
        if (key === READONLY_SETTING || !/^[a-z_][a-z0-9_]*$/i.test(key)) continue;
        await target.queryAsync(`SET ${key} = ${quoteValue(value)}`);
        applied.push(key);
      }
      const result =
        Object.keys(bound).length > 0
          ? await target.queryBindAsync(sql, bound, { format })
          : await target.queryAsync(sql, { format });
      res.setHeader(
        'X-ClickHouse-Summary',
        JSON.stringify({
          read_rows: String(result.rowsRead),
          read_bytes: String(result.bytesRead),
        }),
      );
      reply(res, 200, Buffer.from(result.bytes()));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = Number(/^Code: (\d+)\./.exec(message)?.[1] ?? 1002);
      const text = message.startsWith('Code: ')
        ? message.replace(/\s+$/, '')
        : `Code: ${code}. DB::Exception: ${message}. (UNKNOWN_EXCEPTION)`;
      res.setHeader('X-ClickHouse-Exception-Code', String(code));
      reply(res, statusFor(code), `${text}\n`);
    } finally {
      for (const key of applied)
        await target.queryAsync(`SET ${key} = DEFAULT`).catch(() => undefined);
    }
  }

  function readonlySessionFor(settings: [string, string][]): Session {
    const args = settings
      .filter(([key]) => /^[a-z_][a-z0-9_]*$/i.test(key))
      .map(([key, value]) => `--${key}=${value}`)
      .sort();
    const signature = args.join('\n');
    let found = readonlySessions.get(signature);
    if (!found) {
      found = new Session(dataDir, { connectionArgs: [...clusterArgs, ...args] });
      readonlySessions.set(signature, found);
    }
    return found;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    user,
    password,
    statements,
    get maxInFlight() {
      return maxInFlight;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      for (const readonly of readonlySessions.values()) readonly.close();
      session.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An engine configuration naming this process as the one shard and replica of `cluster`. */
function clusterConfig(cluster: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'earshot-chcluster-')), 'config.xml');
  // A replica at localhost on the engine's own TCP port is this process: queries and inserts
  // through a Distributed table run here, without a connection.
  writeFileSync(
    file,
    `<clickhouse><tcp_port>9000</tcp_port><macros><shard>1</shard><replica>r1</replica></macros>
<remote_servers><${cluster}><shard><internal_replication>true</internal_replication>
<replica><host>localhost</host><port>9000</port></replica></shard></${cluster}></remote_servers></clickhouse>`,
  );
  return file;
}

/**
 * A statement for the cluster, as the one server runs it: `ON CLUSTER` done here, and
 * `ReplicatedXMergeTree('<keeper path>', '<replica>'[, args])` as `XMergeTree(args)` with its
 * deduplication window (no Keeper to keep copies in).
 */
function asOneServer(sql: string, cluster: string): string {
  return sql
    .replace(new RegExp(`\\s+ON CLUSTER ${cluster}\\b`, 'g'), '')
    .replace(
      /\bReplicated(\w*MergeTree)\('[^']*',\s*'[^']*'(?:,\s*)?/g,
      (_, engine: string) => `${engine}(`,
    )
    .replace(/\breplicated_deduplication_window\b/g, 'non_replicated_deduplication_window');
}

function authorized(req: IncomingMessage, url: URL, user: string, password: string): boolean {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const [u, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return u === user && rest.join(':') === password;
  }
  const u = req.headers['x-clickhouse-user'] ?? url.searchParams.get('user') ?? 'default';
  const p = req.headers['x-clickhouse-key'] ?? url.searchParams.get('password') ?? '';
  return u === user && p === password;
}

/** Status codes the server uses for common exception codes; the client reads the body either way. */
function statusFor(code: number): number {
  if (code === 516) return 401;
  if (code === 60 || code === 81) return 404;
  if (code === 62 || code === 47 || code === 164 || code === 456) return 400;
  return 500;
}

function fail(
  res: ServerResponse,
  status: number,
  message: string,
  name: string,
  code = 516,
): void {
  res.setHeader('X-ClickHouse-Exception-Code', String(code));
  reply(res, status, `Code: ${code}. DB::Exception: ${message}. (${name})\n`);
}

function reply(res: ServerResponse, status: number, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0' };

/** `{name:Type}` placeholders of a statement, by name. */
function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of sql.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*):([^}]+)\}/g))
    types.set(m[1]!, m[2]!.trim());
  return types;
}

/**
 * The server reads a bound value as text in the Escaped format of its type (the client sends
 * `\'` for a quote, `\\` for a backslash); chdb's binding API takes JS values and escapes them
 * itself. So decode the text into the JS value it stands for: strings unescaped, arrays of
 * strings parsed, anything else (numbers, booleans, dates) as it is.
 */
function fromEscapedText(text: string, type: string): unknown {
  const inner = type.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2');
  if (/^Array\(/.test(inner)) return parseArrayLiteral(text);
  if (/^(String|FixedString\(\d+\))$/.test(inner)) return unescape(text);
  return text;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c);
}

/** `['a','b\'c']` or `[1,2]` (one level: the project binds Array(String) only). */
function parseArrayLiteral(text: string): unknown[] {
  const items: unknown[] = [];
  const re = /\s*(?:'((?:[^'\\]|\\.|'')*)'|([^,\]\s]+))\s*(,|\])/gsy;
  if (!text.startsWith('[')) throw new Error(`not an array literal: ${text}`);
  re.lastIndex = 1;
  if (/^\[\s*\]$/.test(text)) return items;
  for (;;) {
    const m = re.exec(text);
    if (!m) throw new Error(`cannot parse array literal: ${text}`);
    items.push(m[1] !== undefined ? unescape(m[1].replace(/''/g, "\\'")) : m[2]);
    if (m[3] === ']') return items;
  }
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/[`\\]/g, '\\$&')}\``;
}

function quoteValue(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}
