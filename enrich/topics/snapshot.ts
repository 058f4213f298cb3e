import { z } from 'zod';
import { DIM } from './features.ts';
import { newCluster, normOf, SAMPLES_MAX, type BrandState } from './model.ts';

/**
 * The clusterer's whole state as JSON, for restarts (the enrich stage stores it in
 * `enrich_state`). Read back through a schema: a snapshot from another version is refused, not
 * half-read.
 */

const SNAPSHOT_VERSION = 1;

export interface ClustererState {
  df: Uint32Array;
  /** Running sum and count of posts' mean word vectors (features.ts denseFeatures). */
  centre: { sum: Float64Array; n: number };
  n: number;
  seq: number;
  aliases: Map<string, string>;
  brands: Map<string, BrandState>;
}

const PhraseStatSchema = z.object({
  count: z.number(),
  lang: z.string(),
  words: z.array(z.string()),
  surfaces: z.array(z.string()),
});
const SnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  n: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  df: z.tuple([z.array(z.number().int()), z.array(z.number().int())]),
  aliases: z.array(z.tuple([z.string(), z.string()])),
  // Word-vector state (absent in snapshots of a clusterer without vectors, or older ones).
  centre: z.object({ sum: z.array(z.number()), n: z.number().int().nonnegative() }).optional(),
  brands: z.array(
    z.object({
      key: z.string(),
      n: z.number().int().nonnegative(),
      since_merge: z.number().int().nonnegative(),
      freq: z.array(z.tuple([z.number().int(), z.number()])),
      clusters: z.array(
        z.object({
          id: z.string(),
          count: z.number().int().nonnegative(),
          centroid: z.array(z.tuple([z.number().int(), z.number()])),
          dense: z.array(z.number()).optional(),
          langs: z.record(z.string(), z.number()),
          phrases: z.array(z.tuple([z.string(), PhraseStatSchema])),
          buckets: z.array(z.tuple([z.number().int(), z.number().int()])),
          first: z.number(),
          last: z.number(),
          touched: z.number().int(),
          label: z.string(),
          label_at: z.number().int().nonnegative(),
          // Absent in snapshots written before representatives: the label falls back.
          rep: z.string().default(''),
          rep_sim: z.number().default(0),
          // Absent in older snapshots: the cross-language merge waits for new representatives.
          samples: z.array(z.string()).max(SAMPLES_MAX).default([]),
        }),
      ),
    }),
  ),
});

export function writeSnapshot(s: ClustererState): unknown {
  const dfIdx: number[] = [];
  const dfVal: number[] = [];
  for (let f = 0; f < DIM; f++) {
    if (s.df[f]! > 0) {
      dfIdx.push(f);
      dfVal.push(s.df[f]!);
    }
  }
  return {
    version: SNAPSHOT_VERSION,
    n: s.n,
    seq: s.seq,
    df: [dfIdx, dfVal],
    aliases: [...s.aliases],
    ...(s.centre.n > 0 ? { centre: { sum: [...s.centre.sum], n: s.centre.n } } : {}),
    brands: [...s.brands].map(([key, b]) => ({
      key,
      n: b.n,
      since_merge: b.sinceMerge,
      freq: [...b.freq],
      clusters: b.clusters.map((c) => ({
        id: c.id,
        count: c.count,
        centroid: [...c.centroid],
        ...(c.dense ? { dense: [...c.dense] } : {}),
        langs: c.langs,
        phrases: [...c.phrases],
        buckets: [...c.buckets],
        first: c.first,
        last: c.last,
        touched: c.touched,
        label: c.label,
        label_at: c.labelAt,
        rep: c.rep,
        rep_sim: c.repSim,
        samples: c.samples,
      })),
    })),
  } satisfies z.input<typeof SnapshotSchema>;
}

/** Restores `snapshot` into `into` (fresh state); throws a ZodError on a foreign snapshot. */
export function readSnapshot(snapshot: unknown, into: ClustererState): void {
  const s = SnapshotSchema.parse(snapshot);
  into.n = s.n;
  into.seq = s.seq;
  s.df[0].forEach((f, i) => {
    if (f >= 0 && f < DIM) into.df[f] = s.df[1][i] ?? 0;
  });
  for (const [k, v] of s.aliases) into.aliases.set(k, v);
  // The centre only where its size matches the vectors this clusterer has.
  if (s.centre && s.centre.sum.length === into.centre.sum.length) {
    into.centre.sum.set(s.centre.sum);
    into.centre.n = s.centre.n;
  }
  for (const b of s.brands) {
    into.brands.set(b.key, {
      n: b.n,
      sinceMerge: b.since_merge,
      freq: new Map(b.freq),
      clusters: b.clusters.map((c) => {
        // From newCluster, so restored clusters have the same shape (and search fields).
        const cluster = newCluster(c.id, c.first, c.touched);
        cluster.count = c.count;
        cluster.centroid = new Map(c.centroid);
        cluster.dense = c.dense ? Float64Array.from(c.dense) : null;
        cluster.norm2 = normOf(cluster);
        cluster.langs = c.langs;
        cluster.phrases = new Map(c.phrases);
        cluster.buckets = new Map(c.buckets);
        cluster.last = c.last;
        cluster.label = c.label;
        cluster.labelAt = c.label_at;
        cluster.rep = c.rep;
        cluster.repSim = c.rep_sim;
        // Embeddings are not kept: the next merge pass recomputes them (a cost per cluster).
        cluster.samples = c.samples;
        return cluster;
      }),
      // Rebuilt from the centroids when first needed (cluster.ts).
      postings: null,
    });
  }
}
