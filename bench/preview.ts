import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuery } from '../enrich/match/index.ts';
import { PreviewCache, previewQuery } from '../cli/setup/port.ts';
import { ChdbStore } from '../store/chdb.ts';
import { migrate } from '../store/migrate.ts';
import type { BenchResult } from './types.ts';

/**
 * The watch-query preview (POST /v1/brands/preview) as the user types, on a store of
 * BENCH_PREVIEW_MENTIONS mentions (default 1 M) over 30 days: texts of 12 words from a 5,000-word
 * vocabulary plus brand words at set rates (Aurora 10 %, nimbus 5 %, Zéphyr 1 %, camera and
 * battery 3 %, refund 1 %), generated inside the engine. p50/p95 per query over the last 7 and
 * 30 days, in process (the HTTP layer adds about a millisecond). Goal (issue 19): p95 ≤ 300 ms.
 * As the user types: each run is a prefix of the query (those that parse, in turn), with the
 * preview cache of the process (cli/setup/port.ts); the first preview of a window (no cache) is
 * reported apart. The CPU time of the process (its engine threads included) per preview is
 * printed beside: on a shared machine the wall time says as much about the neighbours as about
 * the preview.
 */
const N = Number(process.env.BENCH_PREVIEW_MENTIONS ?? 1_000_000);
const DAYS = 30;
const RUNS = Number(process.env.BENCH_PREVIEW_RUNS ?? 30);

const QUERIES: Array<{ query: string; current: string | null; note: string }> = [
  { query: 'aurora', current: null, note: '10 % of mentions' },
  { query: 'zephyr NEAR/3 battery NOT refund', current: null, note: 'rare, diacritics folded' },
  { query: '"aurora camera" OR nimbus', current: 'aurora', note: 'gained/lost vs aurora' },
  { query: 'w1 OR w2 OR w3 OR w4 OR w5', current: null, note: 'broad: sampled, estimated' },
  { query: 'lang:de', current: null, note: 'no word to narrow: sampled' },
];

export default async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-preview-'));
  const store = await ChdbStore.open(dir, 'bench');
  try {
    await migrate(store);
    const end = Date.now();
    await store.command(`
      INSERT INTO mentions (id, source, author_handle, text, lang, lang_confidence, created_at,
        enriched_at, likes, reposts, replies, synthetic, sentiment_label, sentiment_score,
        sentiment_confidence, sentiment_model, sentiment_explanation, spam_score, version)
      SELECT concat('bench:', toString(number)), ['bluesky', 'mastodon', 'hackernews', 'rss'][number % 4 + 1],
        concat('user', toString(cityHash64(number) % 200000)),
        arrayStringConcat(arrayConcat(
          arrayMap(i -> concat('w', toString(cityHash64(number, i) % 5000)), range(12)),
          if(cityHash64(number, 100) % 10 = 0, ['Aurora'], []),
          if(cityHash64(number, 101) % 20 = 0, ['nimbus'], []),
          if(cityHash64(number, 102) % 100 = 0, ['Zéphyr'], []),
          if(cityHash64(number, 103) % 33 = 0, ['camera'], []),
          if(cityHash64(number, 104) % 33 = 0, ['battery'], []),
          if(cityHash64(number, 105) % 100 = 0, ['refund'], [])), ' '),
        ['en', 'de', 'es', 'fr', 'el', 'sl', 'fa'][cityHash64(number, 2) % 7 + 1], 0.9,
        toDateTime64(${Math.floor(end / 1000)} - (cityHash64(number, 3) % ${DAYS * 86_400}), 3, 'UTC'), now64(3),
        0, 0, 0, true, 'neu', 0, 0.8, 'bench@1', '[]', 0, 1
      FROM numbers(${N})`);
    await store.command('OPTIMIZE TABLE mentions FINAL');
    const results: BenchResult[] = [];
    for (const days of [7, 30]) {
      for (const q of QUERIES) {
        const times: number[] = [];
        const cpu: number[] = [];
        const cold: number[] = [];
        let last: Awaited<ReturnType<typeof previewQuery>> | null = null;
        // What the user has typed at each keystroke that is a valid query (the whole one last).
        const typed = [...q.query]
          .map((_, i) => q.query.slice(0, i + 1))
          .filter((t) => {
            try {
              parseQuery(t);
              return t.length >= 3;
            } catch {
              return false;
            }
          });
        const once = async (query: string, cache?: PreviewCache) => {
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          const result = await previewQuery(
            store,
            {
              workspace: 'bench',
              query,
              current: q.current,
              days,
              samples: 10,
              now: new Date(end),
            },
            cache,
          );
          const c = process.cpuUsage(c0);
          return { result, ms: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
        };
        for (let i = 0; i < 3; i++) cold.push((await once(q.query)).ms);
        const cache = new PreviewCache();
        await once(q.query, cache);
        for (let i = 0; i < RUNS; i++) {
          const r = await once(i === RUNS - 1 ? q.query : typed[i % typed.length]!, cache);
          times.push(r.ms);
          cpu.push(r.cpu);
          last = r.result;
        }
        const pct = (xs: number[], x: number) =>
          [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(x * xs.length))]!;
        const p = (x: number) => pct(times, x);
        results.push({
          area: 'preview',
          name: `preview ${days} d: ${q.query}`,
          value: p(0.95),
          unit: 'ms p95',
          notes: `p50 ${p(0.5).toFixed(0)} ms, CPU p95 ${pct(cpu, 0.95).toFixed(0)} ms (all threads); first preview of the window (no cache) p50 ${pct(cold, 0.5).toFixed(0)} ms; ${q.note}; ${last!.total.toLocaleString('en-US')} matches${last!.estimated ? ' (estimated)' : ''} of ${last!.candidates.toLocaleString('en-US')} candidates`,
        });
      }
    }
    return results;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
