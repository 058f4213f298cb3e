import { createInterface } from 'node:readline';
import { z } from 'zod';
import { summarizeIssues } from '../../core/contracts/codec.ts';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { compileOwned } from '../../enrich/owned/index.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import { compileWatchQueries } from '../../enrich/match/index.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import { enrichBatch, type SentimentTiers } from '../../enrich/pipeline/batch.ts';
import type { Enrichers } from '../../enrich/pipeline/enrich.ts';
import { loadSentimentScorer } from '../../enrich/sentiment/index.ts';
import { loadSentimentTiers } from '../../enrich/pipeline/sentiment-tiers.ts';
import type { SentimentTier } from '../../enrich/sentiment/tiers.ts';
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
/** Lines enriched together: the accurate tier encodes them in one call. */
const BATCH_LINES = 64;
/**
 * The accurate tier's time per batch in auto (`earshot enrich` stalls no ingestion: it only
 * falls back to the fast tier where the accurate one is far slower than expected).
 */
const CLI_BUDGET_MS = 4_000;

export async function runEnrich(options: { config?: string; tier?: SentimentTier }): Promise<void> {
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

  const tiers: SentimentTiers | null = await loadSentimentTiers(options.tier ?? 'auto', {
    budgetMs: CLI_BUDGET_MS,
    onUnavailable: (reason) =>
      process.stderr.write(
        `earshot enrich: accurate sentiment unavailable (${reason}); using the fast tier\n`,
      ),
  });

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
  // Lines in order: an error object in place of a bad line, else the parsed mention.
  let pending: Array<{ error: unknown } | { mention: Mention }> = [];
  const enrichPending = async (): Promise<void> => {
    const mentions = pending.flatMap((p) => ('mention' in p ? [p.mention] : []));
    const results = await enrichBatch(mentions, enrichers, tiers);
    let r = 0;
    for (const p of pending) {
      const out = 'mention' in p ? results[r++]! : null;
      const value =
        out === null
          ? (p as { error: unknown }).error
          : out.ok
            ? out.value
            : { id: (p as { mention: Mention }).mention.id, error: out.reason };
      buffer.push(`${JSON.stringify(value)}\n`);
    }
    pending = [];
    if (buffer.length >= 512) await flush();
  };
  for await (const line of rl) {
    lineNo++;
    pending.push(parseLine(line, lineNo, started));
    if (pending.length >= BATCH_LINES) await enrichPending();
    progress.tick(lineNo);
  }
  await enrichPending();
  await flush();
  progress.done(lineNo);
  await tiers?.accurate?.close();
}

function parseLine(
  line: string,
  lineNo: number,
  started: string,
): { error: unknown } | { mention: Mention } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { error: { line: lineNo, error: `not JSON: ${(error as Error).message}` } };
  }
  const loose = LooseMention.safeParse(json);
  if (!loose.success) return { error: { line: lineNo, error: summarizeIssues(loose.error) } };
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
  if (!mention.success)
    return { error: { line: lineNo, id, error: summarizeIssues(mention.error) } };
  return { mention: mention.data };
}
