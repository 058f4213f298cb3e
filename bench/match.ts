import { compileWatchQueries } from '../enrich/match/index.ts';
import { tokenize } from '../enrich/text/tokenize.ts';
import { generatePosts, generateQueries, seeded } from '../enrich/match/testing/synthetic.ts';
import type { BenchResult } from './types.ts';

/**
 * Watch-query matching: 1,000 synthetic brand queries (phrases, raw:, NEAR/ONEAR context, NOT,
 * wildcards, fields; 20 of them common-word brands) over a stream of synthetic posts of 8–40
 * words, 10 % of which name a brand. One thread, so the figure is "per core".
 */
const QUERIES = 1000;
const POSTS = 20_000;
const MIN_MS = 2000;

function timeLoop(fn: () => number): { perSecond: number; sink: number } {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    sink += fn();
    n++;
    elapsed = performance.now() - t0;
  }
  return { perSecond: (n * POSTS) / (elapsed / 1000), sink };
}

export default function run(): Promise<BenchResult[]> {
  const rand = seeded(7);
  const { defs, names } = generateQueries(QUERIES, rand);
  const posts = generatePosts(POSTS, names, rand);

  const c0 = performance.now();
  const matcher = compileWatchQueries(defs);
  const compileMs = performance.now() - c0;

  const matchAll = (): number => {
    let hits = 0;
    for (const p of posts) hits += matcher.match(p).length;
    return hits;
  };
  const hitsPerPass = matchAll(); // warm-up, and the match rate
  const matched = timeLoop(matchAll);
  const prefilter = timeLoop(() => {
    let kept = 0;
    // As a firehose source sees posts: no language detected yet.
    for (const p of posts) if (matcher.mayMatch({ ...p, lang: null })) kept++;
    return kept;
  });
  const tokens = timeLoop(() => {
    let n = 0;
    for (const p of posts) n += tokenize(p.text).length;
    return n;
  });

  return Promise.resolve([
    {
      area: 'match',
      name: `match ${QUERIES} queries, posts/s (1 core)`,
      value: matched.perSecond,
      unit: 'posts/s',
      notes: `${((hitsPerPass / POSTS) * 100).toFixed(1)} brand matches per 100 posts`,
    },
    {
      area: 'match',
      name: `mayMatch (firehose prefilter) ${QUERIES} queries, posts/s`,
      value: prefilter.perSecond,
      unit: 'posts/s',
    },
    {
      area: 'match',
      name: 'tokenize only, posts/s (1 core)',
      value: tokens.perSecond,
      unit: 'posts/s',
    },
    {
      area: 'match',
      name: `compile ${QUERIES} queries`,
      value: compileMs,
      unit: 'ms',
    },
  ]);
}
