import type { ExplanationItem, Sentiment } from '../../../core/contracts/mention.ts';
import { showable } from '../explain.ts';
import { CLASSES, K } from '../linear.ts';
import { sentimentLanguage } from '../romanised.ts';
import { tokenize } from '../text.ts';
import { SentenceEncoder } from './encoder.ts';
import { checkHashed, readHeads, type AccurateHeads } from './heads.ts';
import { ACCURATE_MODEL_DIR } from './paths.ts';
import { UnigramTokenizer } from './tokenizer.ts';

/**
 * The accurate tier: a multilingual sentence encoder (multilingual-e5-small, int8, in
 * onnxruntime) and logistic heads over its embedding (heads.ts). Asynchronous and batched: one
 * call encodes many texts at once. Each text's explanation is the fast tier's evidence (content
 * words, phrases, emoji) that agrees with the label this tier gave: an encoder scores the whole
 * text and names no words of its own.
 */
export interface AccurateItem {
  text: string;
  /** As the fast tier is given it (`scoringLanguage`). */
  lang: string;
  /** The fast tier's result for the same text: its explanation items are reused. */
  fast: Sentiment;
}

export interface AccurateScorer {
  readonly model: { name: string; version: string };
  /** Whether `lang` (base code) is scored by this tier. */
  scores(lang: string): boolean;
  /** One result per item; null where this tier does not score the language (the fast one stands). */
  scoreBatch(items: readonly AccurateItem[]): Promise<Array<Sentiment | null>>;
  close(): Promise<void>;
}

const NEUTRAL_BAND = 0.05;
const MIN_POLAR_SCORE = 0.001;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function baseLang(lang: string): string {
  const i = lang.indexOf('-');
  return (i < 0 ? lang : lang.slice(0, i)).toLowerCase();
}

function softmax(z: Float64Array, allowed: readonly boolean[], t: number): void {
  let max = -Infinity;
  for (let c = 0; c < K; c++) if (allowed[c] && z[c]! / t > max) max = z[c]! / t;
  let sum = 0;
  for (let c = 0; c < K; c++) {
    z[c] = allowed[c] ? Math.exp(z[c]! / t - max) : 0;
    sum += z[c]!;
  }
  for (let c = 0; c < K; c++) z[c] = z[c]! / sum;
}

function logits(w: readonly number[], x: Float32Array, dims: number, out: Float64Array): void {
  for (let c = 0; c < K; c++) out[c] = w[dims * K + c]!;
  for (let k = 0; k < dims; k++) {
    const v = x[k]!;
    out[0] = out[0]! + w[k * K]! * v;
    out[1] = out[1]! + w[k * K + 1]! * v;
    out[2] = out[2]! + w[k * K + 2]! * v;
  }
}

const ALL = [true, true, true] as const;
/** The fast tier's versions that come from its trained model (not `+rules`). */
const TRAINED_FAST = /^\d+\.\d+\.\d+$/;
const POLAR = [true, false, true] as const;

/** Class probabilities of one embedding for one language (`lang` scored: see `scores`). */
export function headProbabilities(
  heads: AccurateHeads,
  lang: string,
  x: Float32Array,
): Float64Array {
  const dims = heads.dims;
  const shared = new Float64Array(K);
  logits(heads.shared.head, x, dims, shared);
  const own = heads.languages[lang];
  if (own === undefined) {
    softmax(shared, ALL, heads.shared.unseenTemperature);
    return shared;
  }
  const z = new Float64Array(K);
  logits(own.head, x, dims, z);
  if (own.neutral === 'own') {
    softmax(z, ALL, own.temperature);
    return z;
  }
  softmax(shared, ALL, heads.shared.temperature);
  softmax(z, POLAR, own.temperature);
  const pn = shared[1]!;
  return Float64Array.from([(1 - pn) * z[0]!, pn, (1 - pn) * z[2]!]);
}

/**
 * The fast tier's class probabilities, recovered from its result (label, score = P(pos) − P(neg),
 * confidence = P(label); a neutral label's lean is scaled into the neutral band): null where the
 * fast tier's trained model did not score the text (rules only, unscored).
 */
export function fastProbabilities(s: Sentiment, trainedVersion: RegExp): Float64Array | null {
  if (s.label === 'unscored' || !trainedVersion.test(s.model.version)) return null;
  const c = s.confidence;
  let neg: number;
  let pos: number;
  if (s.label === 'pos') {
    pos = c;
    neg = c - s.score;
  } else if (s.label === 'neg') {
    neg = c;
    pos = c + s.score;
  } else {
    const lean = s.score / (NEUTRAL_BAND * 0.99);
    pos = (1 - c + lean) / 2;
    neg = (1 - c - lean) / 2;
  }
  const p = [neg, 1 - pos - neg, pos].map((x) => Math.min(1, Math.max(1e-4, x)));
  const sum = p[0]! + p[1]! + p[2]!;
  return Float64Array.from(p, (x) => x / sum);
}

/** p ∝ acc^(1−w) · fast^w, in place in `acc`. */
export function combineWithFast(acc: Float64Array, fast: Float64Array, w: number): void {
  let sum = 0;
  for (let c = 0; c < K; c++) {
    acc[c] = Math.exp((1 - w) * Math.log(Math.max(acc[c]!, 1e-9)) + w * Math.log(fast[c]!));
    sum += acc[c]!;
  }
  for (let c = 0; c < K; c++) acc[c] = acc[c]! / sum;
}

/** Label, score and confidence from probabilities, as the fast tier makes them agree (scorer.ts). */
export function sentimentOf(
  p: Float64Array,
  explanation: ExplanationItem[],
  model: { name: string; version: string },
): Sentiment {
  let best = 0;
  for (let c = 1; c < K; c++) if (p[c]! > p[best]!) best = c;
  const label = CLASSES[best]!;
  const lean = Math.max(-1, Math.min(1, p[2]! - p[0]!));
  let score: number;
  if (label === 'pos') score = Math.max(MIN_POLAR_SCORE, round3(lean));
  else if (label === 'neg') score = Math.min(-MIN_POLAR_SCORE, round3(lean));
  else score = round3(lean * NEUTRAL_BAND * 0.99);
  return { label, score, confidence: round3(p[best]!), explanation, model };
}

export async function loadAccurateScorer(
  options: { modelDir?: string } = {},
): Promise<AccurateScorer> {
  const dir = options.modelDir ?? ACCURATE_MODEL_DIR;
  const heads = readHeads(dir);
  const tokenizer = UnigramTokenizer.load(checkHashed(dir, heads.tokenizer));
  const encoder = await SentenceEncoder.load(checkHashed(dir, heads.encoder), tokenizer, {
    dims: heads.dims,
  });
  const model = Object.freeze({ name: heads.name, version: heads.version });
  const scored = new Set([...Object.keys(heads.languages), ...heads.transfer]);
  const hindi = heads.languages.hi !== undefined;
  const langOf = (text: string, lang: string): string | null => {
    let base = baseLang(lang);
    // Romanised Hindi is detected as English, Slovenian, Tagalog… (romanised.ts), decided as the
    // fast tier decides it (a language without a labelled head of its own is unmodelled).
    if (hindi) base = sentimentLanguage(tokenize(text), base, heads.languages[base] !== undefined);
    return scored.has(base) ? base : null;
  };
  return {
    model,
    scores: (lang) => scored.has(baseLang(lang)),
    async scoreBatch(items) {
      const langs = items.map((it) => langOf(it.text, it.lang));
      const todo = items.map((_, i) => i).filter((i) => langs[i] !== null);
      const out = new Array<Sentiment | null>(items.length).fill(null);
      if (todo.length === 0) return out;
      const emb = await encoder.embed(todo.map((i) => items[i]!.text));
      todo.forEach((i, n) => {
        const lang = langs[i]!;
        const p = headProbabilities(heads, lang, emb[n]!);
        const w = heads.languages[lang]?.fastWeight ?? 0;
        const pf = w > 0 ? fastProbabilities(items[i]!.fast, TRAINED_FAST) : null;
        if (pf !== null) combineWithFast(p, pf, w);
        let best = 0;
        for (let c = 1; c < K; c++) if (p[c]! > p[best]!) best = c;
        const label = CLASSES[best]!;
        const fast = items[i]!.fast;
        const explanation =
          fast.label === label
            ? fast.explanation
            : fast.explanation.filter((it) => showable(it, label, null));
        out[i] = sentimentOf(p, explanation, model);
      });
      return out;
    },
    close: () => encoder.close(),
  };
}
