import type { Cluster } from './model.ts';

/**
 * A brand's inverted index for the clusterer's search (cluster.ts `nearest` and `merge`):
 * feature → the clusters that hold it in their *head*, with its weight there. A cluster's head is its centroid minus a
 * tail of light features whose squared weights sum to less than (t·|centroid|)², so by
 * Cauchy–Schwarz a unit vector sharing only tail features with the cluster has a cosine below
 * t with it. A post (or a cluster) can therefore reach cosine t only with clusters it shares a
 * head feature with: the others need not be scored. Common words, light in every centroid, sit
 * in the tails, so the lists a post reads stay short.
 *
 * Kept in step with the centroids by `model.ts` (`addVector` calls `grew` and `settle`, pruning
 * calls `forget` and `rebalance`) and by the clusterer when a cluster leaves its brand
 * (`detach`). Not part of the snapshot: rebuilt from the centroids on restore.
 */

/** Tails are re-chosen (lightest features first) after this many updates of a cluster. */
const REBALANCE_EVERY = 16;

export class Postings {
  /** Feature → the clusters holding it in their head, with its weight in their centroid. */
  readonly heads = new Map<number, Map<Cluster, number>>();
  /** (t·|c|)² over |c|²: a cluster's tail weighs less than this share of its squared norm. */
  private readonly share: number;

  /** A bound of any cluster's tail norm over its norm (what `tailNorm` adds included). */
  readonly tailRatio: number;

  /** `t`: tails are kept under t·|centroid|. */
  constructor(t: number) {
    this.share = t * t;
    this.tailRatio = Math.sqrt(this.share + 1e-12);
  }

  /** Indexes `c` (a new or restored cluster) and makes `addVector` keep it in step. */
  attach(c: Cluster): void {
    c.postings = this;
    c.tail = new Set();
    c.tailMass = 0;
    for (const [f, w] of c.centroid) put(this.heads, f, c, w);
    this.rebalance(c);
  }

  /** Removes `c` (it left its brand). */
  detach(c: Cluster): void {
    for (const f of c.centroid.keys()) if (!c.tail.has(f)) drop(this.heads, f, c);
    c.tail = new Set();
    c.tailMass = 0;
    c.postings = null;
  }

  /** Feature `f` of `c` went from `old` (undefined: new) to `next`; c.norm2 is up to date. */
  grew(c: Cluster, f: number, old: number | undefined, next: number): void {
    if (old === undefined) {
      // A new feature joins the tail while the tail stays light enough, else the head.
      if (c.tailMass + next * next < this.share * c.norm2) {
        c.tail.add(f);
        c.tailMass += next * next;
      } else put(this.heads, f, c, next);
    } else if (c.tail.has(f)) c.tailMass += next * next - old * old;
    else put(this.heads, f, c, next);
  }

  /**
   * After `addVector(c, v)`: features of `v` that grew in the tail move to the head until the
   * tail is light enough again (before the update it was; only they grew).
   */
  settle(c: Cluster, added: Iterable<number>): void {
    const limit = this.share * c.norm2;
    if (c.tailMass >= limit) {
      for (const f of added) {
        if (c.tailMass < limit) break;
        if (!c.tail.has(f)) continue;
        const w = c.centroid.get(f)!;
        c.tail.delete(f);
        c.tailMass -= w * w;
        put(this.heads, f, c, w);
      }
      // Rounding in the running sum: re-choose from the weights themselves.
      if (c.tailMass >= limit) this.rebalance(c);
    }
    if (++c.sinceRebalance >= REBALANCE_EVERY) this.rebalance(c);
  }

  /** Feature `f` left `c`'s centroid (pruning); `rebalance` follows. */
  forget(c: Cluster, f: number): void {
    if (c.tail.delete(f)) return;
    drop(this.heads, f, c);
  }

  /** Re-chooses `c`'s tail: its lightest features, as many as stay under the limit. */
  rebalance(c: Cluster): void {
    c.sinceRebalance = 0;
    const entries = [...c.centroid].sort((p, q) => p[1] - q[1]);
    const limit = this.share * c.norm2;
    let mass = 0;
    let k = 0;
    while (k < entries.length && mass + entries[k]![1] ** 2 < limit) mass += entries[k++]![1] ** 2;
    const tail = new Set<number>();
    for (let i = 0; i < k; i++) {
      const f = entries[i]![0];
      tail.add(f);
      if (!c.tail.has(f)) drop(this.heads, f, c);
    }
    for (let i = k; i < entries.length; i++) {
      const [f, w] = entries[i]!;
      if (c.tail.has(f)) put(this.heads, f, c, w);
    }
    c.tail = tail;
    c.tailMass = mass;
  }
}

/**
 * An upper bound of the norm of `c`'s tail for the search's bounds: the running sum can drift a
 * little below the true one (or below 0) by rounding, so it is raised by a hair of the norm.
 */
export function tailNorm(c: Cluster): number {
  return Math.sqrt(Math.max(0, c.tailMass) + 1e-12 * c.norm2);
}

function put(index: Map<number, Map<Cluster, number>>, f: number, c: Cluster, w: number): void {
  let list = index.get(f);
  if (list === undefined) index.set(f, (list = new Map<Cluster, number>()));
  list.set(c, w);
}

function drop(index: Map<number, Map<Cluster, number>>, f: number, c: Cluster): void {
  const list = index.get(f);
  if (list === undefined) return;
  list.delete(c);
  if (list.size === 0) index.delete(f);
}
