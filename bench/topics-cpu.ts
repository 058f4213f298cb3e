import {
  createExhaustiveTopicClusterer,
  createIndexedTopicClusterer,
  createTopicClusterer,
} from '../enrich/topics/cluster.ts';
import { extract } from '../enrich/topics/keyphrases.ts';
import { topicStream } from '../enrich/topics/testing/stream.ts';
import type { TopicClusterer, TopicInput } from '../enrich/topics/types.ts';
import type { BenchResult } from './types.ts';

/**
 * `npm run bench -- topics-cpu`: CPU time per mention of the topic stage alone (`assign`, as the
 * enrich stage calls it: no word vectors, no unbranded topics) at 100, 1,000 and 5,000 clusters
 * per brand, on the synthetic stream of enrich/topics/testing/stream.ts. Each size starts from a
 * warm state (a snapshot of the brands already at their cluster cap), so the figure is the
 * steady state, merge passes included (every 300 posts of a brand), not the filling. The index
 * is used from the first cluster here (the pipeline's clusterer uses it from 128). Beside it,
 * the same posts from the same state with the exhaustive search (every cluster compared: the
 * clusterer before its index, enrich/topics/postings.ts). CPU time (process.cpuUsage), so it
 * holds on a loaded machine.
 */
const SIZES = [100, 1000, 5000];
const MEASURED = 3000;

function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

interface Snap {
  brands: Array<{ since_merge: number; clusters: unknown[] }>;
}

export default function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // The first size is measured twice and only the second kept: the first run compiles the code.
  for (const [n, size] of [SIZES[0]!, ...SIZES].entries()) {
    const brands = size >= 5000 ? 2 : 4;
    const post = topicStream({ brands, topicsPerBrand: size * 2, seed: size });
    const options = { unbrandedKey: null, maxClustersPerBrand: size };
    // Fill every brand to its cap without merge passes (faster), then start measured from there.
    const warm = createTopicClusterer({ ...options, mergeEvery: Number.MAX_SAFE_INTEGER });
    const warmPosts = brands * size * 5;
    for (let i = 0; i < warmPosts; i++) warm.assign(post(i));
    const snap = warm.snapshot() as Snap;
    for (const b of snap.brands) b.since_merge = 0;
    const clusters = snap.brands.reduce((a, b) => a + b.clusters.length, 0) / brands;
    const inputs = Array.from({ length: MEASURED }, (_, k) => post(warmPosts + k));
    const measure = (c: TopicClusterer, as = (p: TopicInput) => p): number => {
      const posts = inputs.map(as);
      const t0 = process.cpuUsage();
      for (const input of posts) c.assign(input);
      return cpuMicros(t0) / MEASURED;
    };
    const indexed = measure(createIndexedTopicClusterer(0, options, snap));
    const exhaustive = measure(createExhaustiveTopicClusterer(options, snap));
    // The same posts without a brand: keyphrases, features and keywords but no cluster, so the
    // difference is placing the post and keeping its cluster (merge passes included).
    const unbranded = measure(createTopicClusterer(options, snap), (p) => ({ ...p, brands: [] }));
    const t1 = process.cpuUsage();
    for (const input of inputs) extract(input.text, input.lang);
    const extractUs = cpuMicros(t1) / MEASURED;
    if (n === 0) continue;
    const where = `${brands} brands, ${Math.round(clusters)} clusters each at the start`;
    results.push(
      {
        area: 'topics-cpu',
        name: `assign, ${size} clusters per brand, indexed: CPU per mention`,
        value: indexed,
        unit: 'µs',
        notes: `${where}; keyphrase extraction alone ${extractUs.toFixed(1)} µs`,
      },
      {
        area: 'topics-cpu',
        name: `  of which placing and cluster upkeep`,
        value: indexed - unbranded,
        unit: 'µs',
        notes: 'assign minus the same posts without a brand (no cluster)',
      },
      {
        area: 'topics-cpu',
        name: `  the same, every cluster compared (no index)`,
        value: exhaustive,
        unit: 'µs',
      },
    );
  }
  return Promise.resolve(results);
}
