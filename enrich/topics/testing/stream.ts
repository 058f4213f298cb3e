import { mulberry32 } from '../../../core/random.ts';
import type { TopicInput } from '../types.ts';

/**
 * A seeded stream of synthetic posts for the topic clusterer's speed benchmark and its
 * equivalence tests: many brands, each with many topics (so a brand holds hundreds to thousands
 * of clusters, as a busy one does), topic sizes and word use long-tailed (Zipf) as in real
 * streams. A post names its brand, takes 2–4 words of one topic's vocabulary and 2–5 common
 * words, split by punctuation and stop words into short phrases; 10 % are off-topic.
 */

export interface StreamOptions {
  brands: number;
  topicsPerBrand: number;
  seed: number;
  /** Words in the pseudo-vocabulary (default 30,000). */
  vocabulary?: number;
}

const SYLLABLES =
  'ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu'.split(
    ' ',
  );

/** A Zipf(1) rank in [0, n) from a uniform draw (inverse of the continuous approximation). */
function zipf(n: number, u: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(u * Math.log(n + 1)) - 1));
}

export function topicStream(o: StreamOptions): (i: number) => TopicInput {
  const rand = mulberry32(o.seed);
  const size = o.vocabulary ?? 30_000;
  const seen = new Set<string>();
  const vocab: string[] = [];
  while (vocab.length < size) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!;
    if (seen.has(w)) continue;
    seen.add(w);
    vocab.push(w);
  }
  const brands = Array.from({ length: o.brands }, (_, b) => `ws/Brand${b}`);
  // A topic's vocabulary: 6 words, none of the 200 most common.
  const topics = brands.map(() =>
    Array.from({ length: o.topicsPerBrand }, () =>
      Array.from({ length: 6 }, () => vocab[200 + Math.floor(rand() * (size - 200))]!),
    ),
  );
  return (i) => {
    const r = mulberry32(o.seed ^ Math.imul(i + 1, 0x9e3779b1));
    const b = Math.floor(r() * o.brands);
    const brand = brands[b]!;
    const name = brand.slice(3);
    const common = (): string => vocab[zipf(size, r())]!;
    const parts = [name];
    if (r() >= 0.1) {
      const topic = topics[b]![zipf(o.topicsPerBrand, r())]!;
      const k = 2 + Math.floor(r() * 3);
      for (let j = 0; j < k; j++) parts.push(topic[Math.floor(r() * topic.length)]!);
    }
    const g = 2 + Math.floor(r() * 4);
    for (let j = 0; j < g; j++) parts.push(common());
    // Shuffle, then join with stop words and commas so phrases stay short.
    for (let j = parts.length - 1; j > 0; j--) {
      const x = Math.floor(r() * (j + 1));
      [parts[j], parts[x]] = [parts[x]!, parts[j]!];
    }
    const glue = [' ', ' the ', ', ', ' and ', ' '];
    let text = parts[0]!;
    for (let j = 1; j < parts.length; j++) text += glue[Math.floor(r() * glue.length)]! + parts[j];
    return {
      id: `s${o.seed}-${i}`,
      text,
      lang: 'en',
      brands: [brand],
      created_at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      exclude_terms: [name],
    };
  };
}
