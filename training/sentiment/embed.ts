import type { WordVectors } from '../../enrich/sentiment/embedding.ts';
import { headLogits } from '../../enrich/sentiment/embedding.ts';
import { K } from '../../enrich/sentiment/linear.ts';
import { tokenize } from '../../enrich/sentiment/text.ts';
import { adamStep, softmaxOver, type Example } from './train.ts';

/**
 * Training of the word-vector heads (enrich/sentiment/embedding.ts): per language, a
 * multinomial logistic regression from a text's mean word vector to the three classes, with the
 * same class weights and allowed classes as the text model. Its out-of-fold logits become three
 * more inputs of the language's combiner, which decides (by cross-validation, in
 * train-sentiment.ts) whether they are worth keeping.
 */

/**
 * The mean word vector of each text, and the share of its words the table knows; with `usable`,
 * only those rows count (see `foldMasks`); `negators`: the language's (lang-rules.ts), as the
 * scorer passes them.
 */
export function meanVectors(
  texts: readonly string[],
  vectors: WordVectors,
  usable?: Uint8Array,
  negators: ReadonlySet<string> | null = null,
): { x: Float64Array[]; known: number; words: number } {
  let known = 0;
  let words = 0;
  const x = texts.map((text) => {
    const tokens = tokenize(text);
    const out = new Float64Array(vectors.dims);
    known += vectors.mean(tokens, out, undefined, usable, negators);
    for (const t of tokens) if (t.kind === 'word' || t.kind === 'hashtag') words++;
    return out;
  });
  return { x, known, words };
}

/**
 * Full-batch gradient descent (Adam) on the class-weighted mean log-loss plus `l2`·|W|²/2 (the
 * bias is not penalised): deterministic, no shuffling. Weights as `headLogits` reads them.
 */
export function fitHead(
  examples: readonly Example[],
  x: readonly Float64Array[],
  dims: number,
  l2: number,
  iterations = 400,
): Float32Array {
  const n = examples.length;
  const size = (dims + 1) * K;
  const w = new Float32Array(size);
  const grad = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const z = new Float64Array(K);
  let wsum = 0;
  for (const ex of examples) wsum += ex.weight;
  const lr = 0.05;
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const ex = examples[i]!;
      const xi = x[i]!;
      headLogits(w, xi, dims, z);
      softmaxOver(z, ex.allowed);
      for (let c = 0; c < K; c++) {
        const g = (ex.weight * (z[c]! - (c === ex.y ? 1 : 0))) / wsum;
        if (g === 0) continue;
        for (let k = 0; k < dims; k++) grad[k * 3 + c] = grad[k * 3 + c]! + g * xi[k]!;
        grad[dims * 3 + c] = grad[dims * 3 + c]! + g;
      }
    }
    for (let q = 0; q < size; q++) {
      const g = grad[q]! + (q < dims * 3 ? l2 * w[q]! : 0);
      adamStep(w, m, v, q, g, it, lr);
    }
  }
  return w;
}

/**
 * Per fold, the table rows a table distilled *without* that fold would have: the encoder's own
 * pieces, and words some training text outside the fold contains (the table's vocabulary is
 * pieces + train words). Without this, cross-validation would know a vector for every held-out
 * word, which no new text enjoys: on dev, 82-98 % of word tokens have a row.
 */
export function foldMasks(
  texts: readonly string[],
  fold: readonly number[],
  k: number,
  vectors: WordVectors,
): Uint8Array[] {
  const n = vectors.piece.length;
  const inFold = Array.from({ length: k }, () => new Uint32Array(n));
  const total = new Uint32Array(n);
  const rows = new Int32Array(1024);
  const scratch = new Float64Array(vectors.dims);
  texts.forEach((text, i) => {
    const tokens = tokenize(text);
    const rs = tokens.length <= rows.length ? rows : new Int32Array(tokens.length);
    vectors.mean(tokens, scratch, rs);
    const seen = new Set<number>();
    for (let t = 0; t < tokens.length; t++) if (rs[t]! >= 0) seen.add(rs[t]!);
    for (const r of seen) {
      total[r]!++;
      inFold[fold[i]!]![r]!++;
    }
  });
  return inFold.map((c) => {
    const m = new Uint8Array(n);
    for (let r = 0; r < n; r++) m[r] = vectors.piece[r] === 1 || total[r]! > c[r]! ? 1 : 0;
    return m;
  });
}

/**
 * Out-of-fold head logits for one language's examples: each scored by a head fitted on the
 * other folds (`fold[i]` as for the text model's out-of-fold logits, so the combiner sees both
 * sources equally unseen). `xOf(f)`: the examples' mean vectors as fold f's table sees them.
 */
export function outOfFoldHead(
  examples: readonly Example[],
  xOf: (f: number) => readonly Float64Array[],
  fold: readonly number[],
  k: number,
  dims: number,
  l2: number,
): Float64Array[] {
  const out = new Array<Float64Array>(examples.length);
  for (let f = 0; f < k; f++) {
    const x = xOf(f);
    const tr = examples.map((_, i) => i).filter((i) => fold[i] !== f);
    const head = fitHead(
      tr.map((i) => examples[i]!),
      tr.map((i) => x[i]!),
      dims,
      l2,
    );
    examples.forEach((_, i) => {
      if (fold[i] !== f) return;
      const z = new Float64Array(K);
      headLogits(head, x[i]!, dims, z);
      out[i] = z;
    });
  }
  return out;
}
