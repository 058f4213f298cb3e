import type { RuleResult } from './rules.ts';
import { hasElongation, squeeze, type Token } from './text.ts';

/**
 * Features of the trained linear model (fastText-style hashing trick): hashed word unigrams and
 * bigrams, words under negation, character n-grams inside words (morphology: Greek, Slovenian,
 * Persian and Arabic inflect heavily and our data is small), emoji shared by all languages,
 * plus the rule layer's outputs as dense features, once shared and once per language, so each
 * language learns how far to trust its lexicon.
 *
 * Used identically by training (scripts/) and scoring, which is what keeps them consistent.
 */

export interface FeatureConfig {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Character n-gram lengths inside words (padded with < and >); [0, 0] turns them off. */
  charMin: number;
  charMax: number;
  wordBigrams: boolean;
  /** Norm of the character n-gram block relative to the word block (each is normalised apart). */
  charWeight: number;
  /**
   * Character n-grams hashed without the language, so related languages share them (Spanish,
   * Portuguese, Italian and French cognates; English words inside other languages' tweets).
   */
  charShared?: boolean;
  /**
   * Also a feature for each word's first `prefix` letters, a crude stem ("gostei"/"gostou" →
   * "gost"): inflected forms share evidence when the data is small. 0 or absent: off.
   */
  prefix?: number;
}

/** Sparse part: bucket indexes, each with its value; dense part: fixed-position values. */
export interface Features {
  idx: Int32Array;
  val: Float32Array;
  /** For explanations: which token each sparse feature came from (-1: none). */
  src: Int32Array;
  n: number;
  dense: Float32Array;
}

/** The languages with their own dense-feature copies, in a fixed order (index = slot). */
export const DENSE_LANGS = [
  'en',
  'de',
  'el',
  'sl',
  'fa',
  'es',
  'fr',
  'it',
  'pt',
  'ar',
  'hi',
] as const;

/** Dense features per copy; see `denseValues`. */
export const DENSE_PER_COPY = 16;
/** Copy 0 is shared; copy k+1 belongs to DENSE_LANGS[k]. */
export const DENSE_SIZE = DENSE_PER_COPY * (DENSE_LANGS.length + 1);

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvStep(h: number, c: number): number {
  return Math.imul(h ^ c, FNV_PRIME) >>> 0;
}

function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}

/** Final avalanche (murmur3 fmix) so low bits are well mixed before masking. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed per (language, feature kind) so the same string in two languages hashes apart. */
function seed(lang: string, kind: string): number {
  return fnvString(fnvString(FNV_OFFSET, lang), kind);
}

const seedCache = new Map<string, { w: number; b: number; n: number; c: number }>();
function seedsFor(lang: string): { w: number; b: number; n: number; c: number } {
  let s = seedCache.get(lang);
  if (s === undefined) {
    s = { w: seed(lang, '|w|'), b: seed(lang, '|b|'), n: seed(lang, '|n|'), c: seed(lang, '|c|') };
    seedCache.set(lang, s);
  }
  return s;
}
const EMOJI_SEED = seed('*', '|e|');
const SHARED_CHAR_SEED = seed('*', '|c|');

/** Reusable buffers: feature extraction runs per mention on the hot path. */
export class FeatureBuffer {
  idx: Int32Array = new Int32Array(4096);
  val: Float32Array = new Float32Array(4096);
  src: Int32Array = new Int32Array(4096);
  n = 0;
  dense: Float32Array = new Float32Array(DENSE_SIZE);

  reset(): void {
    this.n = 0;
    this.dense.fill(0);
  }

  push(h: number, mask: number, v: number, src: number): void {
    if (this.n === this.idx.length) this.grow();
    this.idx[this.n] = mix(h) & mask;
    this.val[this.n] = v;
    this.src[this.n] = src;
    this.n++;
  }

  private grow(): void {
    const size = this.idx.length * 2;
    const idx = new Int32Array(size);
    idx.set(this.idx);
    const val = new Float32Array(size);
    val.set(this.val);
    const src = new Int32Array(size);
    src.set(this.src);
    this.idx = idx;
    this.val = val;
    this.src = src;
  }

  snapshot(): Features {
    return {
      idx: this.idx.slice(0, this.n),
      val: this.val.slice(0, this.n),
      src: this.src.slice(0, this.n),
      n: this.n,
      dense: this.dense.slice(),
    };
  }
}

/** Marks character n-gram features until normalisation gives them their value. */
const CHAR_MARK = 2;

/** Words are features up to this many per text: very long texts add little beyond it. */
const MAX_WORDS = 400;

/** Words after a negator that it reaches ("not very *good*"); punctuation ends the scope sooner. */
export const NEGATION_SCOPE = 3;

/** Whether `word` opens a negation scope: a language's negator, or any "n't" contraction. */
export function opensNegation(word: string, negators: ReadonlySet<string> | null): boolean {
  return negators !== null && (negators.has(word) || word.endsWith("n't"));
}

/**
 * Fill `buf` with the features of one text. `tokens` and `rules` come from the rule layer (so
 * the tokenization is shared); `negators` marks the words that open a negation scope.
 */
export function extractFeatures(
  buf: FeatureBuffer,
  cfg: FeatureConfig,
  lang: string,
  text: string,
  tokens: readonly Token[],
  rules: RuleResult,
  negators: ReadonlySet<string> | null,
): void {
  buf.reset();
  const mask = (1 << cfg.bits) - 1;
  const s = seedsFor(lang);
  let prev: string | null = null;
  let negScope = 0;
  let words = 0;
  let excl = 0;
  let quest = 0;
  let caps = 0;
  let elong = 0;
  let urls = 0;
  let mentions = 0;
  for (let ti = 0; ti < tokens.length && words < MAX_WORDS; ti++) {
    const t = tokens[ti]!;
    if (t.kind === 'emoji' || t.kind === 'emoticon') {
      buf.push(fnvString(EMOJI_SEED, t.norm), mask, 1, ti);
      prev = null;
      continue;
    }
    if (t.kind === 'punct') {
      for (const ch of t.raw) {
        if (ch === '!' || ch === '！') excl++;
        else if (ch === '?' || ch === '？') quest++;
      }
      prev = null;
      negScope = 0;
      continue;
    }
    if (t.kind === 'url') {
      urls++;
      continue;
    }
    if (t.kind === 'mention') {
      mentions++;
      continue;
    }
    // word or hashtag (a hashtag is a feature of its own and its body's n-grams)
    let w = t.norm;
    if (hasElongation(w)) {
      elong++;
      w = squeeze(w, 2);
    }
    if (isDigits(w)) w = '0';
    if (t.raw.length >= 3 && t.raw === t.raw.toUpperCase() && t.raw !== t.raw.toLowerCase()) caps++;
    words++;
    // Inside a negation scope a word becomes a different feature ("NOT_good", Das & Chen 2001):
    // "good" keeps its meaning elsewhere, and a rarely seen negated form weighs little, leaving
    // the decision to the rule layer's negation handling.
    const negatedWord = negScope > 0;
    if (negatedWord) {
      buf.push(fnvString(s.n, w), mask, 1, ti);
      negScope--;
    } else {
      buf.push(fnvString(t.kind === 'hashtag' ? fnvStep(s.w, 35) : s.w, w), mask, 1, ti);
    }
    if (opensNegation(w, negators)) negScope = NEGATION_SCOPE;
    if (cfg.wordBigrams && prev !== null) {
      buf.push(fnvString(fnvStep(fnvString(s.b, prev), 32), w), mask, 1, ti);
    }
    prev = w;
    const prefix = cfg.prefix ?? 0;
    if (prefix > 0 && w.length > prefix + 1) {
      // = fnvString(…, w.slice(0, prefix)), without allocating the slice (this runs per word).
      let h = fnvStep(s.w, 36);
      for (let i = 0; i < prefix; i++) h = fnvStep(h, w.charCodeAt(i));
      buf.push(h, mask, 1, ti);
    }
    if (cfg.charMax > 0 && !negatedWord) {
      // "<word>" n-grams, hashed incrementally from each start position.
      const L = w.length + 2;
      for (let i = 0; i < L; i++) {
        let h = cfg.charShared === true ? SHARED_CHAR_SEED : s.c;
        for (let j = i; j < L && j - i < cfg.charMax; j++) {
          const c = j === 0 ? 60 : j === L - 1 ? 62 : w.charCodeAt(j - 1);
          h = fnvStep(h, c);
          if (j - i + 1 >= cfg.charMin) buf.push(h, mask, CHAR_MARK, ti);
        }
      }
    }
  }
  // Normalise the word block and the character block apart, each to a fixed length, so long
  // texts do not dominate the dot product and the many n-grams do not drown the few words.
  let nw = 0;
  for (let i = 0; i < buf.n; i++) if (buf.val[i] === 1) nw++;
  const nc = buf.n - nw;
  const iw = nw > 0 ? 1 / Math.sqrt(nw) : 0;
  const ic = nc > 0 ? cfg.charWeight / Math.sqrt(nc) : 0;
  for (let i = 0; i < buf.n; i++) buf.val[i] = buf.val[i] === 1 ? iw : ic;
  const dv = denseValues(rules, {
    words,
    excl,
    quest,
    caps,
    elong,
    urls,
    mentions,
    length: text.length,
  });
  buf.dense.set(dv, 0);
  const slot = DENSE_LANGS.indexOf(lang as (typeof DENSE_LANGS)[number]);
  if (slot >= 0) buf.dense.set(dv, DENSE_PER_COPY * (slot + 1));
}

const dvScratch = new Float32Array(DENSE_PER_COPY);

/** The rule layer's view of a text, scaled to roughly unit range. The first value is a bias. */
function denseValues(
  r: RuleResult,
  c: {
    words: number;
    excl: number;
    quest: number;
    caps: number;
    elong: number;
    urls: number;
    mentions: number;
    length: number;
  },
): Float32Array {
  const d = dvScratch;
  d[0] = 1;
  d[1] = r.compound;
  d[2] = r.posSum / 4;
  d[3] = r.negSum / 4;
  d[4] = Math.min(r.hits, 6) / 3;
  d[5] = r.hits === 0 ? 1 : 0;
  d[6] = Math.min(r.negations, 3) / 2;
  d[7] = Math.min(r.emojiHits, 5) / 3;
  d[8] = r.sarcasm ? 1 : 0;
  d[9] = Math.min(c.excl, 4) / 2;
  d[10] = Math.min(c.quest, 3) / 2;
  d[11] = Math.log1p(c.words) / 3;
  d[12] = (c.urls > 0 ? 1 : 0) + (c.mentions > 0 ? 0.5 : 0);
  d[13] = Math.min(c.caps + c.elong, 3) / 2;
  d[14] = r.curatedPos / 4;
  d[15] = r.curatedNeg / 4;
  return d;
}

function isDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return w.length > 0;
}
