import { z } from 'zod';
import { tokenize } from '../text/tokenize.ts';

/**
 * Near-duplicate groups with MinHash-LSH over word shingles of the normalized text. Retweets,
 * copy-paste campaigns and syndicated news differ by a link, a mention, a hashtag or a few
 * words; normalization removes the first three, and Jaccard similarity of word bigrams above a
 * threshold catches the rest. Why MinHash rather than SimHash: posts are short, and the
 * Jaccard threshold is a number a user can reason about ("70 % of word pairs shared").
 *
 * `dup_group` is null for the first post of a group (it is the unique one) and the first
 * post's id for every later copy, so "unique mentions" = rows with `dup_group IS NULL`, and a
 * group's rows are `id = g OR dup_group = g`. Assigning an id twice (a redelivery) returns the
 * same answer and counts once. Memory is bounded by `maxEntries` (oldest evicted first).
 */

export interface DedupOptions {
  /** Jaccard similarity of word bigrams at or above which two posts are near-duplicates. */
  threshold?: number;
  /** Posts remembered; the oldest are forgotten first. ~500 bytes each. */
  maxEntries?: number;
}

export interface DedupResult {
  dup_group: string | null;
  group_size: number;
}

export interface DedupIndex {
  assign(id: string, text: string): DedupResult;
  /** JSON-serializable state; pass it back to `createDedupIndex` after a restart. */
  snapshot(): unknown;
  readonly size: number;
}

const HASHES = 64;
const BANDS = 16;
const ROWS = HASHES / BANDS; // 4 rows per band: candidate probability 50 % at Jaccard ≈ 0.47, 99.8 % at 0.76
const SNAPSHOT_VERSION = 1;

const SEEDS = Uint32Array.from({ length: HASHES }, (_, i) =>
  mix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)),
);

function mix32(x: number): number {
  // murmur3 finalizer: a cheap, well-distributed 32-bit permutation.
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu;
const RETWEET_RE = /^\s*(?:rt|via)\s+@[\w.-]+:?\s*/iu;
const MENTION_RE = /(^|[\s(])@[\p{L}\p{N}_.-]+/gu;

/** The words that define a post's content: no links, no @mentions, no "RT @x:" prefix. */
export function dedupWords(text: string): string[] {
  const cleaned = text.replace(RETWEET_RE, '').replace(URL_RE, ' ').replace(MENTION_RE, '$1 ');
  return tokenize(cleaned).map((t) => t.norm);
}

/** Shingles: word bigrams, or the words themselves for posts of fewer than 3 words. */
function shingles(words: string[]): number[] {
  const out = new Set<number>();
  if (words.length < 3) for (const w of words) out.add(hashString(w));
  else
    for (let i = 0; i + 1 < words.length; i++) out.add(hashString(`${words[i]} ${words[i + 1]}`));
  return [...out];
}

export function minhash(words: string[]): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const h of shingles(words)) {
    for (let k = 0; k < HASHES; k++) {
      const v = mix32(h ^ SEEDS[k]!);
      if (v < sig[k]!) sig[k] = v;
    }
  }
  return sig;
}

function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < HASHES; k++) if (a[k] === b[k]) same++;
  return same / HASHES;
}

interface Entry {
  sig: Uint32Array;
  group: string;
  bands: Uint32Array;
  result: DedupResult;
}

const SnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  /** [id, base64 signature, group id, dup_group | null] in insertion order. */
  entries: z.array(z.tuple([z.string(), z.string(), z.string(), z.string().nullable()])),
  /** [group id, size]. */
  groups: z.array(z.tuple([z.string(), z.number().int().positive()])),
});

class MinHashIndex implements DedupIndex {
  private readonly entries = new Map<string, Entry>();
  /** One map per band: band hash → ids (numeric keys: faster than string keys). */
  private readonly buckets = Array.from({ length: BANDS }, () => new Map<number, string[]>());
  /** Group id → [total size, live entries]. */
  private readonly groups = new Map<string, [number, number]>();
  private readonly threshold: number;
  private readonly maxEntries: number;

  constructor(options: DedupOptions, snapshot: unknown) {
    this.threshold = options.threshold ?? 0.6;
    this.maxEntries = options.maxEntries ?? 100_000;
    if (snapshot !== undefined && snapshot !== null) this.restore(snapshot);
  }

  get size(): number {
    return this.entries.size;
  }

  assign(id: string, text: string): DedupResult {
    const known = this.entries.get(id);
    if (known)
      return {
        dup_group: known.result.dup_group,
        group_size: this.groups.get(known.group)?.[0] ?? 1,
      };

    const words = dedupWords(text);
    if (words.length === 0) return { dup_group: null, group_size: 1 }; // nothing to compare
    const sig = minhash(words);
    const bands = bandKeys(sig);

    let best: Entry | null = null;
    let bestSim = 0;
    const seen = new Set<string>();
    for (let b = 0; b < BANDS; b++) {
      for (const other of this.buckets[b]!.get(bands[b]!) ?? []) {
        if (seen.has(other)) continue;
        seen.add(other);
        const entry = this.entries.get(other);
        if (!entry) continue;
        const sim = similarity(sig, entry.sig);
        if (sim >= this.threshold && sim > bestSim) {
          best = entry;
          bestSim = sim;
        }
      }
    }

    let group: string;
    let result: DedupResult;
    if (best) {
      group = best.group;
      const g = this.groups.get(group) ?? [0, 0];
      g[0]++;
      g[1]++;
      this.groups.set(group, g);
      result = { dup_group: group, group_size: g[0] };
    } else {
      group = id;
      this.groups.set(group, [1, 1]);
      result = { dup_group: null, group_size: 1 };
    }
    this.insert(id, { sig, group, bands, result });
    return result;
  }

  private insert(id: string, entry: Entry): void {
    this.entries.set(id, entry);
    for (let b = 0; b < BANDS; b++) {
      const bucket = this.buckets[b]!;
      const key = entry.bands[b]!;
      const list = bucket.get(key);
      if (list) list.push(id);
      else bucket.set(key, [id]);
    }
    while (this.entries.size > this.maxEntries) this.evictOldest();
  }

  private evictOldest(): void {
    const first = this.entries.keys().next();
    if (first.done) return;
    const id = first.value;
    const entry = this.entries.get(id)!;
    this.entries.delete(id);
    for (let b = 0; b < BANDS; b++) {
      const bucket = this.buckets[b]!;
      const key = entry.bands[b]!;
      const list = bucket.get(key);
      if (!list) continue;
      const at = list.indexOf(id);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) bucket.delete(key);
    }
    const g = this.groups.get(entry.group);
    if (g && --g[1] <= 0) this.groups.delete(entry.group);
  }

  snapshot(): unknown {
    return {
      version: SNAPSHOT_VERSION,
      entries: [...this.entries].map(([id, e]) => [
        id,
        Buffer.from(e.sig.buffer, e.sig.byteOffset, e.sig.byteLength).toString('base64'),
        e.group,
        e.result.dup_group,
      ]),
      groups: [...this.groups].map(([g, [size]]) => [g, size]),
    } satisfies z.infer<typeof SnapshotSchema>;
  }

  private restore(snapshot: unknown): void {
    const parsed = SnapshotSchema.parse(snapshot);
    const sizes = new Map(parsed.groups);
    for (const [id, sigB64, group, dupGroup] of parsed.entries) {
      const bytes = Buffer.from(sigB64, 'base64');
      const sig = new Uint32Array(HASHES);
      new Uint8Array(sig.buffer).set(bytes.subarray(0, HASHES * 4));
      const size = sizes.get(group) ?? 1;
      const g = this.groups.get(group) ?? [size, 0];
      g[1]++;
      this.groups.set(group, g);
      this.insert(id, {
        sig,
        group,
        bands: bandKeys(sig),
        result: { dup_group: dupGroup, group_size: size },
      });
    }
  }
}

function bandKeys(sig: Uint32Array): Uint32Array {
  const keys = new Uint32Array(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let h = b;
    for (let r = 0; r < ROWS; r++) h = mix32(h ^ sig[b * ROWS + r]!);
    keys[b] = h;
  }
  return keys;
}

/** A near-duplicate index; pass a previous `snapshot()` to continue where it stopped. */
export function createDedupIndex(options: DedupOptions = {}, snapshot?: unknown): DedupIndex {
  return new MinHashIndex(options, snapshot);
}
