import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NEGATION_SCOPE, opensNegation } from './features.ts';
import type { Token } from './text.ts';
import { fold } from './text.ts';

/**
 * Static word vectors distilled from a multilingual sentence encoder (multilingual-e5-small, by
 * scripts/distill-embeddings.py): prior knowledge of words that a language's ~1,800 training
 * tweets never showed ("dreadful" near "awful"). A text's vector is the weighted mean of its
 * words' rows, one table lookup per word, so it costs about as much as the hashed n-grams; a
 * small per-language head (a linear map to three class scores, fitted on the train split) turns
 * it into logits that the combiner (linear.ts) weighs against the text model and the rules.
 */

const MAGIC = 'ESW1';

/**
 * How a word inside a negation scope ("not *good*") enters the mean: its row times this factor.
 * A mean of word vectors cannot read "not", so counted as itself "buono" makes "Non è buono" as
 * positive as "buono". 0 leaves negated words out, and the rule layer and the text model's
 * negated-word features speak for them. By 3-fold CV on train (combiner + head, de/en/fr/it):
 * 0 → 0.675/0.635/0.629/0.619, −1 (turned around) → 0.674/0.632/0.627/0.614, 1 (read as
 * themselves) → 0.679/0.635/0.631/0.616: a tie, and 0 does not contradict the rules.
 */
export const DEFAULT_NEGATED_FACTOR = 0;

export class WordVectors {
  readonly dims: number;
  readonly size: number;
  /** Folded word → row. */
  private readonly rows: Map<string, number>;
  /** Per-dimension dequantisation step. */
  private readonly scale: Float32Array;
  /** Row weights (information content of the word, nats × 10). */
  private readonly weight: Uint8Array;
  /**
   * 1 where the word is one of the encoder's own vocabulary pieces (a row that is there whatever
   * our training data holds); training uses it to cross-validate honestly.
   */
  readonly piece: Uint8Array;
  private readonly vec: Int8Array;
  private readonly acc: Float64Array;
  /** See DEFAULT_NEGATED_FACTOR (0: negated words are left out of the mean). */
  negatedFactor = DEFAULT_NEGATED_FACTOR;

  constructor(data: {
    dims: number;
    words: readonly string[];
    scale: Float32Array;
    weight: Uint8Array;
    piece?: Uint8Array;
    vec: Int8Array;
  }) {
    const n = data.words.length;
    if (data.scale.length !== data.dims || data.weight.length !== n) {
      throw new Error('word vectors: scale or weight length does not match the table');
    }
    if (data.vec.length !== n * data.dims) {
      throw new Error(`word vectors: ${data.vec.length} values, expected ${n * data.dims}`);
    }
    this.dims = data.dims;
    this.scale = data.scale;
    this.weight = data.weight;
    this.piece = data.piece ?? new Uint8Array(n);
    if (this.piece.length !== n)
      throw new Error('word vectors: piece flags do not match the table');
    this.vec = data.vec;
    this.acc = new Float64Array(data.dims);
    // Rows come most frequent first: when two surface forms fold to one key, the first wins.
    this.rows = new Map();
    for (let i = 0; i < n; i++) {
      const key = fold(data.words[i]!);
      if (!this.rows.has(key)) this.rows.set(key, i);
    }
    this.size = this.rows.size;
  }

  /** The row of a folded word, or -1. */
  row(norm: string): number {
    return this.rows.get(norm) ?? -1;
  }

  /**
   * The weighted mean of the known words' vectors (words and hashtag bodies) into `out`; returns
   * how many words were known (0 → `out` is all zeros). With `rowsOut`, each token's row (or
   * -1) is written there; with `usable`, rows where it is 0 count as unknown (training: a table
   * built without the held-out fold).
   */
  mean(
    tokens: readonly Token[],
    out: Float64Array,
    rowsOut?: Int32Array,
    usable?: Uint8Array,
    negators: ReadonlySet<string> | null = null,
  ): number {
    const d = this.dims;
    const acc = this.acc;
    acc.fill(0);
    let wsum = 0;
    let known = 0;
    let scope = 0;
    for (let ti = 0; ti < tokens.length; ti++) {
      const t = tokens[ti]!;
      const sign = scope > 0 ? this.negatedFactor : 1;
      scope = nextScope(t, scope, negators);
      let r = this.rowOf(t, sign);
      if (r >= 0 && usable !== undefined && usable[r] === 0) r = -1;
      if (rowsOut !== undefined) rowsOut[ti] = r;
      if (r < 0) continue;
      const w = this.weight[r]!;
      const ws = w * sign;
      const o = r * d;
      for (let k = 0; k < d; k++) acc[k] = acc[k]! + ws * this.vec[o + k]!;
      wsum += w;
      known++;
    }
    if (known === 0) {
      out.fill(0, 0, d);
      return 0;
    }
    const inv = 1 / wsum;
    for (let k = 0; k < d; k++) out[k] = acc[k]! * inv * this.scale[k]!;
    return known;
  }

  /**
   * The row a token reads, or -1: words and hashtags in the table, and none a negator's scope
   * leaves out (`negatedFactor` 0). One rule for training (`mean`) and scoring (`headLogits`).
   */
  private rowOf(t: Token, sign: number): number {
    if (sign === 0 || (t.kind !== 'word' && t.kind !== 'hashtag')) return -1;
    return this.rows.get(t.norm) ?? -1;
  }

  /** Each row's vector times a head's weights (bias left out): `n × 3`, row-major. */
  project(head: Float32Array): Float32Array {
    const d = this.dims;
    const n = this.weight.length;
    if (head.length !== (d + 1) * 3) {
      throw new Error(`word-vector head has ${head.length} weights, expected ${(d + 1) * 3}`);
    }
    const out = new Float32Array(n * 3);
    for (let r = 0; r < n; r++) {
      let a = 0;
      let b = 0;
      let c = 0;
      const o = r * d;
      for (let k = 0; k < d; k++) {
        const v = this.vec[o + k]! * this.scale[k]!;
        a += head[k * 3]! * v;
        b += head[k * 3 + 1]! * v;
        c += head[k * 3 + 2]! * v;
      }
      out[r * 3] = a;
      out[r * 3 + 1] = b;
      out[r * 3 + 2] = c;
    }
    return out;
  }

  /**
   * A language's head applied to a text, at the cost of one lookup and three multiply-adds per
   * word: the head is linear, so head(weighted mean of rows) = bias + weighted mean of the rows'
   * projections (`project`, computed once at load). Returns the number of known words (0 → the
   * bias alone). With `share` and `rows`, each token's weight in the mean (0 for unknown) and its
   * row (-1) go there, for explanations.
   */
  headLogits(
    proj: Float32Array,
    head: Float32Array,
    tokens: readonly Token[],
    out: Float64Array,
    share?: Float64Array,
    rows?: Int32Array,
    negators: ReadonlySet<string> | null = null,
  ): number {
    const bias = this.dims * 3;
    let a = 0;
    let b = 0;
    let c = 0;
    let wsum = 0;
    let known = 0;
    let scope = 0;
    for (let ti = 0; ti < tokens.length; ti++) {
      const t = tokens[ti]!;
      const sign = scope > 0 ? this.negatedFactor : 1;
      scope = nextScope(t, scope, negators);
      const r = this.rowOf(t, sign);
      if (rows !== undefined) rows[ti] = r;
      if (r < 0) {
        if (share !== undefined) share[ti] = 0;
        continue;
      }
      const w = this.weight[r]!;
      const ws = w * sign;
      a += ws * proj[r * 3]!;
      b += ws * proj[r * 3 + 1]!;
      c += ws * proj[r * 3 + 2]!;
      wsum += w;
      known++;
      if (share !== undefined) share[ti] = ws;
    }
    const inv = wsum > 0 ? 1 / wsum : 0;
    out[0] = head[bias]! + a * inv;
    out[1] = head[bias + 1]! + b * inv;
    out[2] = head[bias + 2]! + c * inv;
    if (share !== undefined)
      for (let ti = 0; ti < tokens.length; ti++) share[ti] = share[ti]! * inv;
    return known;
  }
}

/**
 * The negation scope after token `t`: a negator (or an "n't" word) opens one over the next
 * NEGATION_SCOPE words, each word uses one up, and punctuation closes it: the text model's rule
 * (features.ts), read on the token's normal form.
 */
function nextScope(t: Token, scope: number, negators: ReadonlySet<string> | null): number {
  if (t.kind === 'punct') return 0;
  if (t.kind !== 'word' && t.kind !== 'hashtag') return scope;
  if (opensNegation(t.norm, negators)) return NEGATION_SCOPE;
  return scope > 0 ? scope - 1 : 0;
}

/** Head logits from a mean vector: h[c] = b[c] + Σ_k x[k] · W[k * 3 + c], the bias last. */
export function headLogits(
  head: Float32Array,
  x: ArrayLike<number>,
  dims: number,
  out: Float64Array,
): void {
  let a = head[dims * 3]!;
  let b = head[dims * 3 + 1]!;
  let c = head[dims * 3 + 2]!;
  for (let k = 0; k < dims; k++) {
    const v = x[k]!;
    if (v === 0) continue;
    a += head[k * 3]! * v;
    b += head[k * 3 + 1]! * v;
    c += head[k * 3 + 2]! * v;
  }
  out[0] = a;
  out[1] = b;
  out[2] = c;
}

/** Parse the table written by scripts/distill-embeddings.py; every failure names the file. */
export function parseWordVectors(bytes: Buffer, path: string): WordVectors {
  const bad = (why: string): Error =>
    new Error(`sentiment word-vector file is corrupt (${why}): ${path}`);
  if (bytes.length < 16 || bytes.toString('latin1', 0, 4) !== MAGIC) throw bad('bad magic');
  const version = bytes.readUInt32LE(4);
  if (version !== 1) throw bad(`unknown version ${version}`);
  const n = bytes.readUInt32LE(8);
  const dims = bytes.readUInt32LE(12);
  if (dims === 0 || dims > 4096 || n === 0) throw bad('empty table');
  let o = 16;
  const need = o + dims * 4 + 2 * n + n * dims + 4;
  if (bytes.length < need) throw bad(`truncated: ${bytes.length} bytes, at least ${need} needed`);
  const scale = new Float32Array(dims);
  for (let k = 0; k < dims; k++) scale[k] = bytes.readFloatLE(o + k * 4);
  o += dims * 4;
  const weight = new Uint8Array(bytes.subarray(o, o + n));
  o += n;
  const piece = new Uint8Array(bytes.subarray(o, o + n));
  o += n;
  const vec = new Int8Array(
    bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + n * dims),
  );
  o += n * dims;
  const blobLen = bytes.readUInt32LE(o);
  o += 4;
  if (bytes.length !== o + blobLen)
    throw bad(`word list of ${blobLen} bytes does not end the file`);
  const words = bytes.toString('utf8', o, o + blobLen).split('\n');
  if (words.length !== n) throw bad(`${words.length} words for ${n} rows`);
  return new WordVectors({ dims, words, scale, weight, piece, vec });
}

/** Read, checksum and parse the table (the manifest holds its sha256, as for linear.bin). */
export function readWordVectors(path: string, sha256?: string): WordVectors {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new Error(`sentiment model file missing or unreadable: ${path}`, { cause });
  }
  if (sha256 !== undefined) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== sha256) {
      throw new Error(
        `sentiment model file is corrupt (sha256 ${digest.slice(0, 12)}… ≠ manifest): ${path}`,
      );
    }
  }
  return parseWordVectors(bytes, path);
}
