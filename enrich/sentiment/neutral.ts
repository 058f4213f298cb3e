import { DENSE_PER_COPY } from './features.ts';

/**
 * The neutral gate: neutral for languages whose training data has no (or too little) neutral
 * class. Slovenian's only data (mozetic_sl) is pos/neg, so its text model can say "positive
 * rather than negative" but never "neither"; yet news comments, the Slovenian texts we must
 * score, are often neutral.
 *
 * The gate is a logistic regression P(neutral | evidence) over evidence that means the same in
 * every language:
 *   - the language's pos-vs-neg margin as a calibrated log-odds (its text model's pos − neg
 *     logit divided by a temperature fitted on that language's polar rows, so "3" means the same
 *     certainty in Slovenian as in Spanish),
 *   - the rule layer's shared dense features (lexicon hits and their strength, negations, emoji,
 *     punctuation, length, links), plus lexicon coverage and pos/neg mixing.
 * It is fitted on the languages that do have neutral data (the UMSAB tweets and the Persian
 * reviews), from margins of text models trained *without* their neutral rows (so the margins look
 * like Slovenian ones), on their texts as they are and joined three at a time (news comments are
 * longer than tweets), and checked language by language: fitted without X, tested on X (see the
 * training log and docs/benchmarks.md). Classes are weighted to a 1/3 neutral prior: the gate
 * claims no knowledge of how often a language's texts are neutral (and moving its bias away
 * from that prior lowered the held-out figures).
 *
 * At run time: P(neu) = gate, P(pos) = (1 − gate) · σ(margin), P(neg) = (1 − gate) · σ(−margin).
 */

/** Inputs of the gate; see `gateInputs`. */
export const GATE_INPUTS = 20;

/** Margins beyond this many log-odds are all "sure": keeps the squared term bounded. */
const MAX_MARGIN = 8;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The gate's input vector into `out` (length GATE_INPUTS): bias, the calibrated margin (and its
 * square: a neutral text sits near 0, the gate's decision is about |margin|), then the rule
 * layer's view (`dense` is the shared copy of the dense features, see features.ts).
 */
export function gateInputs(margin: number, dense: ArrayLike<number>, out: Float64Array): void {
  const m = Math.min(Math.abs(margin), MAX_MARGIN);
  const d = dense;
  // d[11] = log1p(words) / 3 and d[4] = min(hits, 6) / 3, see denseValues in features.ts.
  const words = Math.expm1(d[11]! * 3);
  const coverage = words > 0 ? Math.min(1, (d[4]! * 3) / words) : 0;
  const pos = d[2]!;
  const neg = Math.abs(d[3]!);
  out[0] = 1;
  out[1] = m / 4;
  out[2] = (m * m) / 16;
  out[3] = Math.abs(d[1]!);
  out[4] = pos;
  out[5] = neg;
  for (let j = 4; j < DENSE_PER_COPY - 1; j++) out[j + 2] = d[j]!;
  out[17] = Math.abs(d[15]!);
  out[18] = coverage;
  out[19] = Math.min(pos, neg);
}

const scratch = new Float64Array(GATE_INPUTS);

/** P(neutral) from the gate's weights, the calibrated margin and the shared dense features. */
export function neutralProbability(
  weights: ArrayLike<number>,
  margin: number,
  dense: ArrayLike<number>,
): number {
  gateInputs(margin, dense, scratch);
  let s = 0;
  for (let j = 0; j < GATE_INPUTS; j++) s += weights[j]! * scratch[j]!;
  return sigmoid(s);
}

/** Three-class probabilities [neg, neu, pos] into `out` from the gate and the pos/neg margin. */
export function gatedProbabilities(
  weights: ArrayLike<number>,
  margin: number,
  dense: ArrayLike<number>,
  out: Float64Array,
): void {
  const pNeu = neutralProbability(weights, margin, dense);
  const pPos = sigmoid(margin);
  out[0] = (1 - pNeu) * (1 - pPos);
  out[1] = pNeu;
  out[2] = (1 - pNeu) * pPos;
}
