import { createDedupIndex } from '../enrich/dedup/index.ts';
import { createSpamScorer } from '../enrich/spam/index.ts';
import { generatePosts, seeded } from '../enrich/match/testing/synthetic.ts';
import type { BenchResult } from './types.ts';

/**
 * Near-duplicates and spam: throughput with a full index (100,000 remembered posts), and the
 * recall/false-group rate on posts that are copies with one word changed plus a link.
 */
const POSTS = 120_000;

export default function run(): Promise<BenchResult[]> {
  const rand = seeded(3);
  const posts = generatePosts(POSTS, ['acme', 'globex'], rand);
  // Every 10th post is a near-copy of an earlier one: a word replaced, a link appended.
  const texts = posts.map((p, i) => {
    if (i % 10 !== 9) return p.text;
    const words = posts[i - 5]!.text.split(' ');
    words[Math.floor(rand() * words.length)] = 'changed';
    return `${words.join(' ')} https://t.co/x${i}`;
  });
  const index = createDedupIndex({ maxEntries: 100_000 });
  let copiesFound = 0;
  let copies = 0;
  let falseGroups = 0;
  const t0 = performance.now();
  for (let i = 0; i < POSTS; i++) {
    const r = index.assign(`p:${i}`, texts[i]!);
    if (i % 10 === 9) {
      copies++;
      if (r.dup_group !== null) copiesFound++;
    } else if (r.dup_group !== null) {
      falseGroups++;
    }
  }
  const dedupSeconds = (performance.now() - t0) / 1000;

  const s0 = performance.now();
  const snapshot = JSON.stringify(index.snapshot());
  const s1 = performance.now();
  createDedupIndex({ maxEntries: 100_000 }, JSON.parse(snapshot));
  const restoreMs = performance.now() - s1;

  const scorer = createSpamScorer();
  const t1 = performance.now();
  for (let i = 0; i < POSTS; i++) {
    const p = posts[i]!;
    scorer.score({
      id: `p:${i}`,
      text: p.text,
      author: p.author.slice(0, 4),
      created_at: new Date(1_763_600_000_000 + i * 500).toISOString(),
      dup_group_size: 1,
      hashtags: [],
      urls: 0,
    });
  }
  const spamSeconds = (performance.now() - t1) / 1000;
  return Promise.resolve([
    {
      area: 'dedup',
      name: 'dedup assign (MinHash-LSH, 100k index), posts/s (1 core)',
      value: POSTS / dedupSeconds,
      unit: 'posts/s',
    },
    {
      area: 'dedup',
      name: 'near-copies found (1 word changed + link)',
      value: copiesFound / copies,
      unit: '',
      notes: `${(copiesFound / copies).toFixed(3)}: ${copiesFound} of ${copies}`,
    },
    {
      area: 'dedup',
      name: 'unrelated posts wrongly grouped',
      value: falseGroups,
      unit: 'posts',
      notes: `of ${POSTS - copies} unrelated`,
    },
    {
      area: 'dedup',
      name: 'snapshot of 100k entries (JSON)',
      value: snapshot.length / 1e6,
      unit: 'MB',
      notes: `${Math.round(s1 - s0)} ms to write, ${Math.round(restoreMs)} ms to restore`,
    },
    {
      area: 'dedup',
      name: 'spam score, posts/s (1 core)',
      value: POSTS / spamSeconds,
      unit: 'posts/s',
    },
  ]);
}
