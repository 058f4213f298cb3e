import type { Command } from 'commander';

/**
 * `earshot query test '<query>' [--file mentions.jsonl] [--json]`: try a watch query before it
 * goes into the config. Exit 2 for an invalid query (message with position and expectation),
 * 1 when some input lines were unreadable, 0 otherwise (matching or not).
 */
export function register(program: Command): void {
  const query = program.command('query').description('work with watch queries (brand matching)');
  query
    .command('test')
    .description(
      'parse a watch query and show which mentions (JSONL with "text", optional id, lang, source, author, url, title) match, with the matched spans',
    )
    .argument('<query>', 'the watch query, e.g. \'raw:"Apple" AND (iphone OR mac*)\'')
    .option('-f, --file <path>', 'mentions as JSONL ("-" for stdin; stdin is read when piped)')
    .option('--json', 'one JSON line per input mention: {"id","match","spans"}')
    .action(async (text: string, opts: { file?: string; json?: boolean }) => {
      const { createReadStream, statSync } = await import('node:fs');
      if (opts.file !== undefined && opts.file !== '-') {
        try {
          statSync(opts.file);
        } catch (error) {
          process.stderr.write(`earshot: cannot read ${opts.file}: ${(error as Error).message}\n`);
          process.exitCode = 1;
          return;
        }
      }
      const { createInterface } = await import('node:readline');
      // Opened only when read: readline drops lines emitted before iteration starts.
      let lines: (() => AsyncIterable<string>) | null = null;
      if (opts.file !== undefined && opts.file !== '-') {
        const file = opts.file;
        lines = () =>
          createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      } else if (opts.file === '-' || !process.stdin.isTTY) {
        lines = () => createInterface({ input: process.stdin, crlfDelay: Infinity });
      }
      process.exitCode = await queryTest(
        text,
        lines,
        { json: opts.json === true },
        {
          out: (line) => process.stdout.write(`${line}\n`),
          err: (line) => process.stderr.write(`${line}\n`),
        },
      );
    });
  query
    .command('check')
    .description('check that every watch query in a config parses (exit 2 naming the brand if not)')
    .option('-c, --config <path>', 'the config file', 'earshot.config.yaml')
    .action(async (opts: { config: string }) => {
      process.exitCode = await queryCheck(opts.config, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}

/**
 * `earshot query check --config earshot.config.yaml`: compile every watch query of a config
 * (for CI: rules as code). Exit 2 with the brand, position and expectation of the first bad one.
 */
export async function queryCheck(configPath: string, io: QueryTestIo): Promise<number> {
  const { loadEarshotConfig } = await import('../../core/workspace-config.ts');
  const { formatQueryError, parseQuery, QuerySyntaxError } =
    await import('../../enrich/match/index.ts');
  const config = loadEarshotConfig(configPath);
  let bad = 0;
  let count = 0;
  for (const ws of config.workspaces) {
    for (const brand of ws.brands) {
      count++;
      try {
        parseQuery(brand.query);
      } catch (error) {
        if (!(error instanceof QuerySyntaxError)) throw error;
        bad++;
        io.err(`${configPath}: workspaces.${ws.id}.brands.${brand.id}.query:`);
        io.err(formatQueryError(brand.query, error));
      }
    }
  }
  if (bad === 0) io.err(`${count} watch queries ok`);
  return bad === 0 ? 0 : 2;
}

export interface QueryTestIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The command's logic, with its input and output injected (tested without a process). */
export async function queryTest(
  query: string,
  lines: (() => AsyncIterable<string>) | null,
  options: { json: boolean },
  io: QueryTestIo,
): Promise<number> {
  const { z } = await import('zod');
  const { compileWatchQueries, formatQueryError, parseQuery, queryId, QuerySyntaxError } =
    await import('../../enrich/match/index.ts');

  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      io.err(formatQueryError(query, error));
      return 2;
    }
    throw error;
  }
  const matcher = compileWatchQueries([{ workspace: 'cli', brand: 'query', query }]);
  if (!options.json) io.err(`query ok (${queryId('query', query).slice(6)})`);
  if (lines === null) return 0;

  const Line = z.object({
    id: z.union([z.string(), z.number()]).nullish(),
    text: z.string(),
    title: z.string().nullish(),
    lang: z.string().nullish(),
    source: z.string().nullish(),
    url: z.string().nullish(),
    // A plain handle, or a Mention's author object.
    author: z.union([z.string(), z.object({ handle: z.string().nullish() }).loose()]).nullish(),
  });

  let lineNo = 0;
  let total = 0;
  let matched = 0;
  let bad = 0;
  for await (const raw of lines()) {
    lineNo++;
    if (raw.trim() === '') continue;
    let parsed: ReturnType<typeof Line.parse>;
    try {
      parsed = Line.parse(JSON.parse(raw));
    } catch (error) {
      bad++;
      const why =
        error instanceof z.ZodError ? z.prettifyError(error).replace(/\n/g, ' ') : 'not JSON';
      io.err(`line ${lineNo}: skipped, ${why}`);
      continue;
    }
    total++;
    const author =
      typeof parsed.author === 'string' ? parsed.author : (parsed.author?.handle ?? null);
    const [hit] = matcher.match({
      text: parsed.text,
      title: parsed.title ?? null,
      lang: parsed.lang ?? null,
      source: parsed.source ?? null,
      url: parsed.url ?? null,
      author,
    });
    if (hit) matched++;
    const id = parsed.id ?? null;
    if (options.json) {
      io.out(JSON.stringify({ id, match: hit !== undefined, spans: hit?.spans ?? [] }));
    } else {
      const label = id === null ? `line ${lineNo}` : String(id);
      io.out(hit ? `✓ ${label}  ${highlight(parsed.text, hit.spans)}` : `✗ ${label}`);
    }
  }
  if (!options.json) io.err(`${matched} of ${total} mentions match`);
  return bad > 0 ? 1 : 0;
}

/** Mark spans with [brackets] so a terminal (or a log) shows why the post matched. */
function highlight(text: string, spans: Array<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [s, e] of spans) {
    if (s < at) continue;
    out += `${text.slice(at, s)}[${text.slice(s, e)}]`;
    at = e;
  }
  out += text.slice(at);
  return out.replace(/\s+/g, ' ');
}
