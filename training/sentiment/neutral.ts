import { DENSE_PER_COPY } from '../../enrich/sentiment/features.ts';
import { GATE_INPUTS, gateInputs, gatedProbabilities } from '../../enrich/sentiment/neutral.ts';
import { CLASSES } from '../../enrich/sentiment/linear.ts';
import { f1For, macroF1 } from './metrics.ts';
import { adamStep, folds, logitsOf, train, type Example, type TrainParams } from './train.ts';

/**
 * Fitting and checking the neutral gate (enrich/sentiment/neutral.ts) for languages without
 * neutral training data.
 *
 * The gate must learn what a neutral text looks like to a text model that never saw one, which
 * is Slovenian's situation. So its training margins come from a *polar-only* run: every
 * language's text model trained on its pos/neg rows alone (softmax over pos/neg), each row
 * scored out of fold, neutral rows included. Each language's margins are put on a common scale
 * by a temperature fitted on its polar rows; the gate is then fitted on the languages that have
 * neutral rows, each weighted equally, with neutral weighted to a 1/3 prior.
 */

/** Classes neg, neu, pos as indexes. */
const NEU = 1;

export interface GateRow {
  lang: string;
  y: number;
  /** pos − neg logit difference (before any temperature). */
  margin: number;
  /** Shared copy of the dense rule features. */
  dense: Float32Array;
  /** Weighting group (default: the language); long texts form a group of their own. */
  group?: string;
}

/** Out-of-fold pos − neg margins of text models trained on pos/neg rows only (all languages). */
export function polarOnlyMargins(
  examples: readonly Example[],
  p: TrainParams,
  k: number,
  /** Extra examples to score per fold (by the model that did not see that fold), see below. */
  extra?: (fold: number) => Example[],
): { rows: GateRow[]; extra: GateRow[]; fold: number[] } {
  // Balance pos/neg within each language, as the production run balances its classes.
  const counts = new Map<string, [number, number]>();
  for (const ex of examples) {
    if (ex.y === NEU) continue;
    const c = counts.get(ex.lang) ?? [0, 0];
    c[ex.y === 0 ? 0 : 1]++;
    counts.set(ex.lang, c);
  }
  const polar: Example[] = examples.map((ex) => {
    const c = counts.get(ex.lang) ?? [1, 1];
    const n = ex.y === 0 ? c[0] : c[1];
    return {
      ...ex,
      allowed: [true, false, true],
      weight: ex.y === NEU ? 0 : (c[0] + c[1]) / (2 * Math.max(n, 1)),
    };
  });
  const fold = folds(polar, k, p.seed + 1);
  const margins = new Float64Array(polar.length);
  const extraRows: GateRow[] = [];
  for (let f = 0; f < k; f++) {
    const trainSet = polar.filter((ex, i) => fold[i] !== f && ex.y !== NEU);
    const t = train(trainSet, p);
    const testIdx = polar.map((_, i) => i).filter((i) => fold[i] === f);
    const z = logitsOf(
      t,
      p,
      testIdx.map((i) => polar[i]!),
    );
    testIdx.forEach((ei, n) => (margins[ei] = z[n]![2]! - z[n]![0]!));
    if (extra !== undefined) {
      const more = extra(f);
      logitsOf(t, p, more).forEach((zz, n) =>
        extraRows.push({ ...gateRow(more[n]!, zz[2]! - zz[0]!), group: `${more[n]!.lang}:long` }),
      );
    }
  }
  return {
    rows: examples.map((ex, i) => gateRow(ex, margins[i]!)),
    extra: extraRows,
    fold,
  };
}

function gateRow(ex: Example, margin: number): GateRow {
  return { lang: ex.lang, y: ex.y, margin, dense: ex.f.dense.subarray(0, DENSE_PER_COPY) };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The temperature that makes pos − neg margins calibrated log-odds on the polar rows (grid). */
export function fitBinaryTemperature(rows: ReadonlyArray<{ y: number; margin: number }>): number {
  let best = 1;
  let bestNll = Infinity;
  for (let t = 0.25; t <= 8.0001; t *= 1.05) {
    let nll = 0;
    for (const r of rows) {
      if (r.y === NEU) continue;
      const p = sigmoid(r.margin / t);
      nll -= Math.log(Math.max(r.y === 2 ? p : 1 - p, 1e-12));
    }
    if (nll < bestNll) {
      bestNll = nll;
      best = t;
    }
  }
  return Math.round(best * 1000) / 1000;
}

/**
 * Logistic regression neutral-vs-polar over `gateInputs`, full batch with Adam (deterministic).
 * Every group (language, or a language's long texts) weighs the same, and within each neutral
 * weighs 1/3 and polar 2/3.
 */
export function fitGate(
  rows: readonly GateRow[],
  temperatures: Readonly<Record<string, number>>,
  l2 = 1e-3,
  iterations = 800,
): number[] {
  const X = rows.map((r) => {
    const x = new Float64Array(GATE_INPUTS);
    gateInputs(r.margin / temperatures[r.lang]!, r.dense, x);
    return x;
  });
  const per = new Map<string, { n: number; neu: number }>();
  for (const r of rows) {
    const c = per.get(r.group ?? r.lang) ?? { n: 0, neu: 0 };
    c.n++;
    if (r.y === NEU) c.neu++;
    per.set(r.group ?? r.lang, c);
  }
  const W = rows.map((r) => {
    const c = per.get(r.group ?? r.lang)!;
    return r.y === NEU ? 1 / 3 / c.neu : 2 / 3 / (c.n - c.neu);
  });
  const wsum = W.reduce((a, b) => a + b, 0);
  const w = new Float64Array(GATE_INPUTS);
  const m = new Float64Array(GATE_INPUTS);
  const v = new Float64Array(GATE_INPUTS);
  const g = new Float64Array(GATE_INPUTS);
  for (let it = 1; it <= iterations; it++) {
    g.fill(0);
    for (let i = 0; i < X.length; i++) {
      const x = X[i]!;
      let s = 0;
      for (let j = 0; j < GATE_INPUTS; j++) s += w[j]! * x[j]!;
      const e = ((sigmoid(s) - (rows[i]!.y === NEU ? 1 : 0)) * W[i]!) / wsum;
      for (let j = 0; j < GATE_INPUTS; j++) g[j] = g[j]! + e * x[j]!;
    }
    for (let j = 0; j < GATE_INPUTS; j++) {
      const gj = g[j]! + (j > 0 ? l2 * w[j]! : 0);
      adamStep(w, m, v, j, gj, it, 0.05);
    }
  }
  return Array.from(w, (x) => Math.round(x * 1e6) / 1e6);
}

/** Labels of the gated three-class decision. */
export function gatedLabels(
  weights: ArrayLike<number>,
  rows: readonly GateRow[],
  temperatures: Readonly<Record<string, number>>,
): string[] {
  const p = new Float64Array(3);
  return rows.map((r) => {
    gatedProbabilities(weights, r.margin / temperatures[r.lang]!, r.dense, p);
    let best = 0;
    for (let c = 1; c < 3; c++) if (p[c]! > p[best]!) best = c;
    return CLASSES[best]!;
  });
}

export interface HeldOutLanguage {
  lang: string;
  /** 3-class macro-F1 with the gate fitted without this language. */
  gated: number;
  /** The same rows when neutral is never predicted (the text model's pos/neg only). */
  neverNeutral: number;
  neutralF1: number;
  /** Share of rows the gate calls neutral. */
  neutralRate: number;
  /** pos/neg macro-F1 on the polar rows: with the gate, and pos/neg only. */
  polarGated: number;
  polarOnly: number;
  /** 3-class macro-F1 (short, long) with the gate's bias moved by each of `offsets`. */
  sweep?: Array<{ offset: number; short: number; long: number }>;
  /** 3-class macro-F1 and neutral rate on the language's long texts (`long` rows), if any. */
  long?: { n: number; gated: number; neutralRate: number };
}

/**
 * Leave-one-language-out check: for each language X of `pool`, the gate fitted on the other
 * languages (their rows and their `long` rows) and tested on X's rows and X's long rows; for
 * `alsoTest` (no or few neutral rows), the gate fitted on the whole pool.
 */
export function leaveOneLanguageOut(
  rows: readonly GateRow[],
  temperatures: Readonly<Record<string, number>>,
  pool: readonly string[],
  alsoTest: readonly string[],
  long: readonly GateRow[] = [],
  offsets: readonly number[] = [],
): HeldOutLanguage[] {
  const out: HeldOutLanguage[] = [];
  for (const lang of [...pool, ...alsoTest]) {
    const w = fitGate(
      [...rows, ...long].filter((r) => r.lang !== lang && pool.includes(r.lang)),
      temperatures,
    );
    const test = rows.filter((r) => r.lang === lang);
    const gold = test.map((r) => CLASSES[r.y]!);
    const pred = gatedLabels(w, test, temperatures);
    const two = test.map((r) => (r.margin > 0 ? 'pos' : 'neg'));
    const polarIdx = test.map((r, i) => (r.y === NEU ? -1 : i)).filter((i) => i >= 0);
    const pg = polarIdx.map((i) => gold[i]!);
    const longRows = long.filter((r) => r.lang === lang);
    const longPred = gatedLabels(w, longRows, temperatures);
    const sweep = offsets.map((offset) => {
      const moved = [w[0]! + offset, ...w.slice(1)];
      const f1 = (rs: readonly GateRow[]): number =>
        rs.length === 0
          ? 0
          : macroF1(
              rs.map((r) => CLASSES[r.y]!),
              gatedLabels(moved, rs, temperatures),
              CLASSES,
            );
      return { offset, short: f1(test), long: f1(longRows) };
    });
    out.push({
      lang,
      ...(offsets.length === 0 ? {} : { sweep }),
      ...(longRows.length === 0
        ? {}
        : {
            long: {
              n: longRows.length,
              gated: macroF1(
                longRows.map((r) => CLASSES[r.y]!),
                longPred,
                CLASSES,
              ),
              neutralRate: longPred.filter((p) => p === 'neu').length / longPred.length,
            },
          }),
      gated: macroF1(gold, pred, CLASSES),
      neverNeutral: macroF1(gold, two, CLASSES),
      neutralF1: f1For(gold, pred, 'neu'),
      neutralRate: pred.filter((p) => p === 'neu').length / pred.length,
      polarGated: macroF1(
        pg,
        polarIdx.map((i) => pred[i]!),
        ['pos', 'neg'],
      ),
      polarOnly: macroF1(
        pg,
        polarIdx.map((i) => two[i]!),
        ['pos', 'neg'],
      ),
    });
  }
  return out;
}

/**
 * Macro-F1 as if every gold class were equally frequent (each row weighted by 1 / its class's
 * count): what a language's figures would look like on a test set with a balanced class mix.
 */
export function balancedMacroF1(gold: readonly string[], pred: readonly string[]): number {
  const count = new Map<string, number>();
  for (const g of gold) count.set(g, (count.get(g) ?? 0) + 1);
  let sum = 0;
  for (const c of CLASSES) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const w = 1 / count.get(gold[i]!)!;
      if (pred[i] === c && gold[i] === c) tp += w;
      else if (pred[i] === c) fp += w;
      else if (gold[i] === c) fn += w;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / CLASSES.length;
}
