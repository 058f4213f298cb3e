import { createInterface } from 'node:readline';
import { z } from 'zod';
import { summarizeIssues } from '../../core/contracts/codec.ts';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { compileOwned } from '../../enrich/owned/index.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import { compileWatchQueries } from '../../enrich/match/index.ts';
import { enrichMention, type Enrichers } from '../../enrich/pipeline/enrich.ts';
import { loadSentimentScorer } from '../../enrich/sentiment/index.ts';
import { freshStateful } from '../../enrich/pipeline/state.ts';
import { CONFIG_RULES } from '../config-rules.ts';
import { createProgress } from './enrich-progress.ts';

/** A line needs only `text`; everything else gets a default so ad-hoc files just work. */
const LooseMention = z
  .object({
    text: z.string(),
    id: z.union([z.string(), z.number()]).optional(),
    lang: z.string().nullish(),
  })
  .loose();

/**
 * `earshot enrich`: bulk (re-)scoring from the shell. Streams stdin → stdout; a bad line gets
 * an `{"line", "error"}` object in its place so output lines stay aligned with input lines.
 * Long inputs report progress on stderr (enrich-progress.ts).
 */
export async function runEnrich(options: { config?: string }): Promise<void> {
  const started = new Date().toISOString();
  const workspaces = options.config
    ? loadEarshotConfig(options.config, CONFIG_RULES).workspaces
    : null;
  const matcher = workspaces
    ? compileWatchQueries(
        workspaces.flatMap((ws) =>
          ws.brands.map((b) => ({ workspace: ws.id, brand: b.id, query: b.query })),
        ),
      )
    : null;
  // With a config: brands, topics, near-duplicates and spam too (state lives for this run only).
  const enrichers: Enrichers = {
    sentiment: loadSentimentScorer(),
    matcher,
    owned: workspaces ? compileOwned(workspaces) : null,
    ...(matcher ? freshStateful() : { topics: null, dedup: null, spam: null }),
    now: () => new Date(),
  };

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const progress = createProgress({
    write: (t) => process.stderr.write(t),
    now: () => performance.now(),
    tty: process.stderr.isTTY === true,
  });
  let lineNo = 0;
  let buffer: string[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer.join('');
    buffer = [];
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  };
  for await (const line of rl) {
    lineNo++;
    buffer.push(`${JSON.stringify(enrichLine(line, lineNo, enrichers, started))}\n`);
    if (buffer.length >= 512) await flush();
    progress.tick(lineNo);
  }
  await flush();
  progress.done(lineNo);
}

function enrichLine(line: string, lineNo: number, enrichers: Enrichers, started: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { line: lineNo, error: `not JSON: ${(error as Error).message}` };
  }
  const loose = LooseMention.safeParse(json);
  if (!loose.success) return { line: lineNo, error: summarizeIssues(loose.error) };
  const raw = loose.data;
  const id =
    raw.id === undefined
      ? `stdin:${lineNo}`
      : /^[a-z][a-z0-9_-]*:/.test(String(raw.id))
        ? String(raw.id)
        : `stdin:${String(raw.id)}`;
  const mention = MentionSchema.safeParse({
    source: 'stdin',
    created_at: started,
    ...raw,
    id,
    lang: raw.lang ?? null,
  });
  if (!mention.success) return { line: lineNo, id, error: summarizeIssues(mention.error) };
  return enrichMention(mention.data, enrichers);
}
