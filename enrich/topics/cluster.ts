import { z } from 'zod';
import { shortHash } from '../text/hash.ts';
import { isUnspacedScript, normalizeWord } from '../text/tokenize.ts';
import { extract, type Candidate } from './keyphrases.ts';
import { HOUR_MS } from '../../core/duration.ts';

/**
 * Online topic clustering, per brand, multilingual.
 *
 * A post becomes a sparse vector of hashed features (2^18 buckets): content words cut to
 * six characters (a cheap stemmer that works across Latin, Greek and Cyrillic languages:
 * `batteries`/`battery`, `Kamera`/`Kameras`), character bigrams for Chinese/Japanese/Thai,
 * word pairs, and hashtags. Weights are TF-IDF with a global, streaming document frequency,
 * damped per brand for features that most of the brand's posts share (the brand's own name
 * would otherwise glue every topic together). Clustering is single pass: a post joins the
 * most similar cluster centroid above `threshold`, or starts a new cluster; every
 * `mergeEvery` posts, clusters whose centroids became similar are merged (the bigger keeps its
 * id; the other id becomes an alias). Everything is bounded: clusters per brand, features per
 * centroid, phrases per cluster, brands, aliases; the whole state is a JSON snapshot.
 */

export interface TopicInput {
  id: string;
  text: string;
  lang: string;
  /** "workspace/brand" keys; an empty list clusters the post under `unbrandedKey`. */
  brands: string[];
  created_at: string;
  /** Words that must not become keywords (e.g. the brand's matched terms). */
  exclude_terms?: string[];
}

export interface TopicRef {
  id: string;
  label: string;
  /** The "workspace/brand" key whose cluster it is (what may see it). */
  brand: string;
}

export interface TopicAssignment {
  topics: TopicRef[];
  keywords: string[];
  hashtags: string[];
}

export interface TopicSummary {
  id: string;
  brand: string;
  label: string;
  lang: string;
  count: number;
  first_seen: string;
  last_seen: string;
}

export interface TrendingTopic {
  id: string;
  label: string;
  /** Mentions in the current period (ending at `now`). */
  current: number;
  /** Mentions in the period before. */
  previous: number;
  /** (current − previous) / max(previous, 1). */
  growth: number;
}

export interface TrendingOptions {
  now: string | Date;
  periodHours?: number;
  /** Topics with fewer mentions in the current period are not trending, whatever the growth. */
  minVolume?: number;
  limit?: number;
}

export interface TopicClusterer {
  assign(input: TopicInput): TopicAssignment;
  /** JSON-serializable state; pass it back to `createTopicClusterer` after a restart. */
  snapshot(): unknown;
  /** The brand's topics, biggest first. */
  topics(brand: string, limit?: number): TopicSummary[];
  /** Topics growing fastest against the previous period, with a minimum volume. */
  trending(brand: string, options: TrendingOptions): TrendingTopic[];
  /** The current id of a topic (ids of merged topics resolve to the surviving topic). */
  resolve(id: string): string;
}

export interface TopicOptions {
  /** Cosine similarity to a centroid needed to join a cluster. */
  threshold?: number;
  /** Centroid cosine at which two clusters are merged. */
  mergeThreshold?: number;
  /** Posts of a brand between merge passes. */
  mergeEvery?: number;
  maxClustersPerBrand?: number;
  maxBrands?: number;
  maxKeywords?: number;
  /** Key for posts without brand; null: such posts get keywords and hashtags but no topic. */
  unbrandedKey?: string | null;
}

const DIM_BITS = 18;
const DIM = 1 << DIM_BITS;
const MASK = DIM - 1;
const STEM = 6;
const CENTROID_KEEP = 150;
const CENTROID_MAX = 300;
const PHRASES_MAX = 40;
const BRAND_FREQ_MAX = 300;
const BRAND_MIN_DOCS = 10;
const BUCKETS_MAX = 24 * 8;
const ALIASES_MAX = 10_000;
const SNAPSHOT_VERSION = 1;

interface PhraseStat {
  count: number;
  lang: string;
  words: string[];
  surfaces: string[];
}

interface Cluster {
  id: string;
  count: number;
  centroid: Map<number, number>;
  norm2: number;
  langs: Record<string, number>;
  phrases: Map<string, PhraseStat>;
  /** Hour index → mentions. */
  buckets: Map<number, number>;
  first: number;
  last: number;
  /** Cached label and the count it was computed at. */
  label: string;
  labelAt: number;
  /** Assignment sequence number of the last update (eviction order). */
  touched: number;
}

interface BrandState {
  n: number;
  /** Misra–Gries counts of the features most posts of the brand share. */
  freq: Map<number, number>;
  clusters: Cluster[];
  sinceMerge: number;
}

function hashFeature(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) & MASK;
}

function stem(word: string): string {
  return word.length > STEM && !isUnspacedScript(word) ? word.slice(0, STEM) : word;
}

function wordFeature(word: string): number {
  return hashFeature(`w:${stem(word)}`);
}

/** Misra–Gries: keeps every item with frequency > n/cap (undercounted by at most n/cap). */
function mgAdd<K>(map: Map<K, number>, key: K, cap: number): void {
  const c = map.get(key);
  if (c !== undefined) {
    map.set(key, c + 1);
    return;
  }
  if (map.size < cap) {
    map.set(key, 1);
    return;
  }
  for (const [k, v] of map) {
    if (v <= 1) map.delete(k);
    else map.set(k, v - 1);
  }
}

class Clusterer implements TopicClusterer {
  private readonly df = new Uint32Array(DIM);
  private n = 0;
  private readonly brands = new Map<string, BrandState>();
  private readonly aliases = new Map<string, string>();
  private seq = 0;
  private readonly o: Required<TopicOptions>;

  constructor(options: TopicOptions, snapshot: unknown) {
    this.o = {
      threshold: options.threshold ?? 0.2,
      mergeThreshold: options.mergeThreshold ?? 0.4,
      mergeEvery: options.mergeEvery ?? 300,
      maxClustersPerBrand: options.maxClustersPerBrand ?? 100,
      maxBrands: options.maxBrands ?? 10_000,
      maxKeywords: options.maxKeywords ?? 5,
      unbrandedKey: options.unbrandedKey === undefined ? '*' : options.unbrandedKey,
    };
    if (snapshot !== undefined && snapshot !== null) this.restore(snapshot);
  }

  assign(input: TopicInput): TopicAssignment {
    this.seq++;
    const lang = (input.lang || 'und').split('-')[0]!.toLowerCase();
    const { candidates, hashtags, words } = extract(input.text, lang);

    // Weighted features of the post (binary term frequency: short posts rarely repeat words).
    const features = new Map<number, number>();
    const put = (f: number, w: number): void => {
      if ((features.get(f) ?? 0) < w) features.set(f, w);
    };
    for (const c of candidates) {
      if (c.words.length === 2 && isUnspacedScript(c.words[0]!)) {
        put(hashFeature(`w:${c.norm}`), 1);
        continue;
      }
      for (const w of c.words) if (!isUnspacedScript(w)) put(wordFeature(w), 1);
      for (let i = 0; i + 1 < c.words.length; i++) {
        put(hashFeature(`p:${stem(c.words[i]!)} ${stem(c.words[i + 1]!)}`), 0.5);
      }
    }
    for (const tag of hashtags) {
      put(hashFeature(`#${tag}`), 1);
      put(wordFeature(tag), 1);
    }
    this.n++;
    for (const f of features.keys()) this.df[f]!++;

    const keys =
      input.brands.length > 0
        ? input.brands
        : this.o.unbrandedKey === null
          ? []
          : [this.o.unbrandedKey];
    const at = Date.parse(input.created_at);
    const time = Number.isFinite(at) ? at : 0;
    const topics: TopicRef[] = [];
    const brandStates: BrandState[] = [];
    for (const key of keys) {
      const brand = this.brand(key);
      brandStates.push(brand);
      brand.n++;
      for (const f of features.keys()) mgAdd(brand.freq, f, BRAND_FREQ_MAX);
      const vector = this.vector(features, brand);
      if (vector === null) continue;
      const cluster = this.place(key, brand, vector, input.id, time);
      this.record(cluster, lang, candidates, hashtags, time);
      topics.push({ id: cluster.id, label: this.label(cluster, brand), brand: key });
      if (++brand.sinceMerge >= this.o.mergeEvery) {
        brand.sinceMerge = 0;
        this.merge(brand);
      }
    }

    return {
      topics,
      keywords: this.keywords(candidates, brandStates, input.exclude_terms ?? [], words.length),
      hashtags,
    };
  }

  private brand(key: string): BrandState {
    let state = this.brands.get(key);
    if (state) {
      this.brands.delete(key); // re-insert: least recently used first
    } else {
      state = { n: 0, freq: new Map(), clusters: [], sinceMerge: 0 };
    }
    this.brands.set(key, state);
    while (this.brands.size > this.o.maxBrands) {
      const oldest = this.brands.keys().next();
      if (oldest.done) break;
      this.brands.delete(oldest.value);
    }
    return state;
  }

  private idf(f: number): number {
    return Math.log((this.n + 1) / (this.df[f]! + 1)) + 1;
  }

  /** 1 for ordinary features; → 0 for features in (almost) every post of the brand. */
  private damp(brand: BrandState, f: number): number {
    if (brand.n < BRAND_MIN_DOCS) return 1;
    const ratio = (brand.freq.get(f) ?? 0) / brand.n;
    return ratio <= 0.4 ? 1 : Math.max(0, (1 - ratio) / 0.6);
  }

  private vector(features: Map<number, number>, brand: BrandState): Map<number, number> | null {
    const v = new Map<number, number>();
    let norm2 = 0;
    for (const [f, w] of features) {
      const x = w * this.idf(f) * this.damp(brand, f);
      if (x <= 0) continue;
      v.set(f, x);
      norm2 += x * x;
    }
    if (norm2 === 0) return null;
    const inv = 1 / Math.sqrt(norm2);
    for (const [f, x] of v) v.set(f, x * inv);
    return v;
  }

  private place(
    key: string,
    brand: BrandState,
    v: Map<number, number>,
    id: string,
    time: number,
  ): Cluster {
    let best: Cluster | null = null;
    let bestSim = 0;
    for (const c of brand.clusters) {
      if (c.norm2 === 0) continue;
      let dot = 0;
      for (const [f, x] of v) dot += x * (c.centroid.get(f) ?? 0);
      const sim = dot / Math.sqrt(c.norm2);
      if (sim > bestSim) {
        best = c;
        bestSim = sim;
      }
    }
    if (!best || bestSim < this.o.threshold) {
      best = {
        id: `tp-${shortHash(`${key}\n${id}`)}`,
        count: 0,
        centroid: new Map(),
        norm2: 0,
        langs: {},
        phrases: new Map(),
        buckets: new Map(),
        first: time,
        last: time,
        label: '',
        labelAt: 0,
        touched: this.seq,
      };
      brand.clusters.push(best);
      if (brand.clusters.length > this.o.maxClustersPerBrand) {
        // Forget the cluster that was updated longest ago (usually a one-off).
        let victim = 0;
        for (let i = 1; i < brand.clusters.length - 1; i++) {
          if (brand.clusters[i]!.touched < brand.clusters[victim]!.touched) victim = i;
        }
        brand.clusters.splice(victim, 1);
      }
    }
    addVector(best, v);
    best.count++;
    best.touched = this.seq;
    return best;
  }

  private record(
    c: Cluster,
    lang: string,
    candidates: Candidate[],
    hashtags: string[],
    time: number,
  ): void {
    c.langs[lang] = (c.langs[lang] ?? 0) + 1;
    for (const cand of candidates) {
      const key = `${lang}\u0000${cand.norm}`;
      const stat = c.phrases.get(key);
      if (stat) stat.count++;
      else if (c.phrases.size < PHRASES_MAX)
        c.phrases.set(key, { count: 1, lang, words: cand.words, surfaces: cand.surfaces });
      else decrementAll(c.phrases);
    }
    for (const tag of hashtags) {
      const key = `${lang}\u0000#${tag}`;
      const stat = c.phrases.get(key);
      if (stat) stat.count++;
      else if (c.phrases.size < PHRASES_MAX)
        c.phrases.set(key, { count: 1, lang, words: [tag], surfaces: [`#${tag}`] });
      else decrementAll(c.phrases);
    }
    if (time > 0) {
      const hour = Math.floor(time / HOUR_MS);
      c.buckets.set(hour, (c.buckets.get(hour) ?? 0) + 1);
      if (c.buckets.size > BUCKETS_MAX) {
        let min = Infinity;
        for (const h of c.buckets.keys()) if (h < min) min = h;
        c.buckets.delete(min);
      }
      if (c.first === 0 || time < c.first) c.first = time;
      if (time > c.last) c.last = time;
    }
  }

  /** Top phrases of the dominant language, without the brand's own words. */
  private label(c: Cluster, brand: BrandState): string {
    if (c.label !== '' && c.count < c.labelAt * 1.1 && c.count >= 20) return c.label;
    let dominant = '';
    let max = -1;
    for (const [l, n] of Object.entries(c.langs)) {
      if (n > max) {
        dominant = l;
        max = n;
      }
    }
    const merged = new Map<string, { score: number; surface: string; words: string[] }>();
    for (const stat of c.phrases.values()) {
      if (stat.lang !== dominant) continue;
      const keep: number[] = [];
      stat.words.forEach((w, i) => {
        if (this.damp(brand, wordFeature(w)) >= 0.5) keep.push(i);
      });
      if (keep.length === 0) continue;
      const words = keep.map((i) => stat.words[i]!);
      const key = words.join(' ');
      const surface = keep.map((i) => stat.surfaces[i]!).join(' ');
      // Words people wrote read better than tags; multi-word phrases say more than one word.
      const isTag = stat.surfaces[0]?.startsWith('#') === true;
      const score = stat.count * (1 + 0.3 * (words.length - 1)) * (isTag ? 0.6 : 1);
      const prev = merged.get(key);
      if (prev) prev.score += score;
      else merged.set(key, { score, surface, words });
    }
    const ranked = [...merged.values()].sort((a, b) => b.score - a.score);
    const chosen: typeof ranked = [];
    const used = new Set<string>();
    for (const r of ranked) {
      if (chosen.length === 3) break;
      if (r.words.some((w) => used.has(stem(w.replace(/^#/, ''))))) continue;
      chosen.push(r);
      for (const w of r.words) used.add(stem(w.replace(/^#/, '')));
    }
    c.label = chosen.length > 0 ? chosen.map((r) => r.surface).join(' · ') : '(untitled)';
    c.labelAt = c.count;
    return c.label;
  }

  private keywords(
    candidates: Candidate[],
    brands: BrandState[],
    exclude: string[],
    _n: number,
  ): string[] {
    const excluded = new Set(exclude.flatMap((t) => t.split(/\s+/)).map((w) => normalizeWord(w)));
    const scored: Array<{ text: string; score: number }> = [];
    for (const c of candidates) {
      const words = c.words.filter(
        (w) => !excluded.has(w) && brands.every((b) => this.damp(b, wordFeature(w)) >= 0.5),
      );
      if (words.length === 0) continue;
      const text =
        words.length === c.words.length
          ? c.surface
          : c.surfaces.filter((_s, i) => words.includes(c.words[i]!)).join(' ');
      let score = 0;
      for (const w of words) score += this.idf(wordFeature(w));
      scored.push({ text: text.toLowerCase().replace(/\s+/g, ' '), score });
    }
    scored.sort((a, b) => b.score - a.score);
    const out: string[] = [];
    for (const s of scored) {
      if (out.length >= this.o.maxKeywords) break;
      if (!out.includes(s.text)) out.push(s.text);
    }
    return out;
  }

  private merge(brand: BrandState): void {
    const cs = brand.clusters;
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j < cs.length; j++) {
        const a = cs[i]!;
        const b = cs[j]!;
        if (a.norm2 === 0 || b.norm2 === 0) continue;
        if (cosine(a, b) < this.o.mergeThreshold) continue;
        const [keep, gone] = a.count >= b.count ? [a, b] : [b, a];
        absorb(keep, gone);
        this.alias(gone.id, keep.id);
        cs[i] = keep;
        cs.splice(j, 1);
        j--;
      }
    }
  }

  private alias(from: string, to: string): void {
    this.aliases.set(from, to);
    for (const [k, v] of this.aliases) if (v === from) this.aliases.set(k, to);
    while (this.aliases.size > ALIASES_MAX) {
      const oldest = this.aliases.keys().next();
      if (oldest.done) break;
      this.aliases.delete(oldest.value);
    }
  }

  resolve(id: string): string {
    return this.aliases.get(id) ?? id;
  }

  topics(brandKey: string, limit = 50): TopicSummary[] {
    const brand = this.brands.get(brandKey);
    if (!brand) return [];
    return [...brand.clusters]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((c) => ({
        id: c.id,
        brand: brandKey,
        label: this.label(c, brand),
        lang: Object.entries(c.langs).sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'und',
        count: c.count,
        first_seen: new Date(c.first).toISOString(),
        last_seen: new Date(c.last).toISOString(),
      }));
  }

  trending(brandKey: string, options: TrendingOptions): TrendingTopic[] {
    const brand = this.brands.get(brandKey);
    if (!brand) return [];
    const now = typeof options.now === 'string' ? Date.parse(options.now) : options.now.getTime();
    const period = options.periodHours ?? 24;
    const minVolume = options.minVolume ?? 10;
    // Hour buckets [h, h+1) that start before `now` (the current, partial hour included).
    const endHour = Math.ceil(now / HOUR_MS);
    const out: TrendingTopic[] = [];
    for (const c of brand.clusters) {
      let current = 0;
      let previous = 0;
      for (const [h, n] of c.buckets) {
        const age = endHour - 1 - h; // 0 = the hour that contains (or ends at) `now`
        if (age < 0) continue;
        if (age < period) current += n;
        else if (age < 2 * period) previous += n;
      }
      if (current < minVolume) continue;
      out.push({
        id: c.id,
        label: this.label(c, brand),
        current,
        previous,
        growth: (current - previous) / Math.max(previous, 1),
      });
    }
    return out
      .sort((a, b) => b.growth - a.growth || b.current - a.current)
      .slice(0, options.limit ?? 10);
  }

  snapshot(): unknown {
    const dfIdx: number[] = [];
    const dfVal: number[] = [];
    for (let f = 0; f < DIM; f++) {
      if (this.df[f]! > 0) {
        dfIdx.push(f);
        dfVal.push(this.df[f]!);
      }
    }
    return {
      version: SNAPSHOT_VERSION,
      n: this.n,
      seq: this.seq,
      df: [dfIdx, dfVal],
      aliases: [...this.aliases],
      brands: [...this.brands].map(([key, b]) => ({
        key,
        n: b.n,
        since_merge: b.sinceMerge,
        freq: [...b.freq],
        clusters: b.clusters.map((c) => ({
          id: c.id,
          count: c.count,
          centroid: [...c.centroid],
          langs: c.langs,
          phrases: [...c.phrases],
          buckets: [...c.buckets],
          first: c.first,
          last: c.last,
          touched: c.touched,
          label: c.label,
          label_at: c.labelAt,
        })),
      })),
    } satisfies z.input<typeof SnapshotSchema>;
  }

  private restore(snapshot: unknown): void {
    const s = SnapshotSchema.parse(snapshot);
    this.n = s.n;
    this.seq = s.seq;
    s.df[0].forEach((f, i) => {
      if (f >= 0 && f < DIM) this.df[f] = s.df[1][i] ?? 0;
    });
    for (const [k, v] of s.aliases) this.aliases.set(k, v);
    for (const b of s.brands) {
      this.brands.set(b.key, {
        n: b.n,
        sinceMerge: b.since_merge,
        freq: new Map(b.freq),
        clusters: b.clusters.map((c) => {
          const centroid = new Map(c.centroid);
          let norm2 = 0;
          for (const x of centroid.values()) norm2 += x * x;
          return {
            id: c.id,
            count: c.count,
            centroid,
            norm2,
            langs: c.langs,
            phrases: new Map(c.phrases),
            buckets: new Map(c.buckets),
            first: c.first,
            last: c.last,
            label: c.label,
            labelAt: c.label_at,
            touched: c.touched,
          };
        }),
      });
    }
  }
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
          langs: z.record(z.string(), z.number()),
          phrases: z.array(z.tuple([z.string(), PhraseStatSchema])),
          buckets: z.array(z.tuple([z.number().int(), z.number().int()])),
          first: z.number(),
          last: z.number(),
          touched: z.number().int(),
          label: z.string(),
          label_at: z.number().int().nonnegative(),
        }),
      ),
    }),
  ),
});

function decrementAll(phrases: Map<string, PhraseStat>): void {
  for (const [k, s] of phrases) {
    if (s.count <= 1) phrases.delete(k);
    else s.count--;
  }
}

function addVector(c: Cluster, v: Map<number, number>): void {
  for (const [f, x] of v) {
    const old = c.centroid.get(f) ?? 0;
    const next = old + x;
    c.centroid.set(f, next);
    c.norm2 += next * next - old * old;
  }
  if (c.centroid.size > CENTROID_MAX) prune(c);
}

/** Keep the strongest features of a centroid (bounded memory); recompute its norm. */
function prune(c: Cluster): void {
  const kept = [...c.centroid].sort((a, b) => b[1] - a[1]).slice(0, CENTROID_KEEP);
  c.centroid = new Map(kept);
  c.norm2 = 0;
  for (const [, x] of kept) c.norm2 += x * x;
}

function cosine(a: Cluster, b: Cluster): number {
  const [small, big] = a.centroid.size <= b.centroid.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [f, x] of small.centroid) dot += x * (big.centroid.get(f) ?? 0);
  return dot / Math.sqrt(a.norm2 * b.norm2);
}

function absorb(keep: Cluster, gone: Cluster): void {
  addVector(keep, gone.centroid);
  keep.count += gone.count;
  for (const [l, n] of Object.entries(gone.langs)) keep.langs[l] = (keep.langs[l] ?? 0) + n;
  for (const [k, s] of gone.phrases) {
    const mine = keep.phrases.get(k);
    if (mine) mine.count += s.count;
    else if (keep.phrases.size < PHRASES_MAX) keep.phrases.set(k, { ...s });
  }
  for (const [h, n] of gone.buckets) keep.buckets.set(h, (keep.buckets.get(h) ?? 0) + n);
  keep.first = Math.min(keep.first || gone.first, gone.first || keep.first);
  keep.last = Math.max(keep.last, gone.last);
  keep.touched = Math.max(keep.touched, gone.touched);
  keep.labelAt = 0;
  keep.label = '';
}

/** A streaming topic clusterer; pass a previous `snapshot()` to continue after a restart. */
export function createTopicClusterer(
  options: TopicOptions = {},
  snapshot?: unknown,
): TopicClusterer {
  return new Clusterer(options, snapshot);
}
