import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { HeadsSchema, readHeads } from '../../enrich/sentiment/accurate/heads.ts';
import { CLASSES, K } from '../../enrich/sentiment/linear.ts';
import {
  ALL_CLASSES,
  argmax,
  chooseFastWeight,
  FAST_WEIGHT_GRID,
  fastWeightCurve,
  fitHead,
  fitTemperature,
  foldsOf,
  gatedProbabilities,
  languageWeights,
  logitsOf,
  probabilities,
  standardize,
  standardizer,
  unstandardize,
  type HeadRow,
} from './accurate.ts';
import { macroF1 } from './metrics.ts';
import { readEmbedCache } from './encoder/cache.ts';
import { readSplit } from './data.ts';
import { FAST_OOF_DIR, readFastOutOfFold } from './fast-oof.ts';
import { combineWithFast } from '../../enrich/sentiment/accurate/scorer.ts';

/** The accurate tier's version (bump it when the heads or the encoder change). */
export const ACCURATE_VERSION = '1.3.0';
export const ACCURATE_NAME = 'earshot-sentiment-accurate';

/**
 * Languages the accurate tier scores without labelled data of their own (shared head, flatter
 * temperature): those the language detector names and the encoder's kept vocabulary covers
 * (training/sentiment/encoder/convert.py keeps Latin, Cyrillic, Greek, Arabic, Hebrew,
 * Devanagari, Thai, Hangul, kana and common CJK pieces).
 */
export const TRANSFER_LANGUAGES = [
  'nl',
  'sv',
  'da',
  'no',
  'nb',
  'fi',
  'pl',
  'cs',
  'sk',
  'hr',
  'sr',
  'bs',
  'ro',
  'hu',
  'tr',
  'id',
  'ms',
  'vi',
  'tl',
  'ca',
  'et',
  'lv',
  'lt',
  'sq',
  'is',
  'eu',
  'gl',
  'ru',
  'uk',
  'bg',
  'mk',
  'be',
  'he',
  'ur',
  'mr',
  'ne',
  'th',
  'ko',
  'ja',
  'zh',
] as const;

const SHARED_L2 = 3e-2;
/**
 * Strengths of the pull of a language's head towards the shared head, tried out of fold per
 * language (the best macro-F1 is kept; ties to the weaker pull): 0.3 was the only one before
 * 1.3.0; romanised Hindi's 1,831 noisy rows gain from a stronger pull (docs/sentiment.md).
 */
export const OWN_L2_GRID: readonly number[] = [0.3, 1, 3, 10];
const ITERATIONS = 200;
const LOLO_ITERATIONS = 120;
const LOLO_MAX_ROWS = 1200;
/** Below this share of neutral training rows, a language takes P(neutral) from the shared head. */
const SHARED_NEUTRAL_BELOW = 0.1;
const FOLDS = 3;
/**
 * Weight of the fast tier's probabilities where it has a trained model for the language, when
 * its out-of-fold probabilities are not cached (`npm run train:sentiment` with the fast tier
 * writes them): an equal-weight geometric mean.
 */
const FAST_WEIGHT = 0.5;
/**
 * Rows' worth of the curve pooled over languages that each language's own curve is shrunk
 * towards when its fast weight is chosen (chooseFastWeight).
 */
const FAST_WEIGHT_PRIOR_ROWS = 600;

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

function yOf(label: string): number {
  return CLASSES.indexOf(label as (typeof CLASSES)[number]);
}

function f1(gold: readonly number[], pred: readonly number[]): number {
  return macroF1(
    gold.map((y) => CLASSES[y]!),
    pred.map((y) => CLASSES[y]!),
    [...new Set([...gold, ...pred].map((y) => CLASSES[y]!))].sort(),
  );
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function trainAccurateTier(o: {
  data: string;
  out: string;
  cache?: string;
  fastOof?: string;
  /** How long to wait for the fast tier's out-of-fold files (a fast training running beside). */
  waitForFastOofMs?: number;
  /**
   * Refit only these languages' heads (and fast weights), keeping everything else of the
   * heads.json already in `out`: a change for one language leaves the others' heads byte for
   * byte as they were (the cache is rebuilt with the runtime's batching, which moves every head
   * a little; see docs/sentiment.md).
   */
  refit?: readonly string[];
}): void {
  const started = performance.now();
  const cached = readEmbedCache(o.data, o.cache).filter((c) => c.split === 'train');
  const dims = cached[0]!.dims;
  const raw: HeadRow[] = cached.flatMap((c) =>
    c.rows.map((r, i) => ({
      lang: r.lang,
      y: yOf(r.label),
      x: c.x.subarray(i * dims, (i + 1) * dims),
    })),
  );
  const std = standardizer(raw, dims);
  const rows = standardize(raw, std);
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  log(`accurate tier: ${rows.length} cached train rows (${langs.join(', ')})`);

  // Leave one language out: the shared head without it, scored on it.
  const transfer: Record<string, { f1: number; n: number }> = {};
  const heldOutLogits: Float64Array[] = [];
  const heldOutY: number[] = [];
  for (const held of langs) {
    const trainRows = capPerLanguage(
      rows.filter((r) => r.lang !== held),
      LOLO_MAX_ROWS,
    );
    const test = rows.filter((r) => r.lang === held);
    const w = fitHead(trainRows, dims, {
      l2: SHARED_L2,
      iterations: LOLO_ITERATIONS,
      weights: languageWeights(trainRows),
    });
    const z = logitsOf(w, test, dims);
    const gold = test.map((r) => r.y);
    const polarOnly = !gold.includes(1);
    const pred = z.map((l) => (polarOnly ? (l[2]! > l[0]! ? 2 : 0) : argmax(l)));
    transfer[held] = { f1: Math.round(f1(gold, pred) * 1000) / 1000, n: test.length };
    if (!polarOnly) {
      heldOutLogits.push(...z);
      heldOutY.push(...gold);
    }
    log(
      `  left out ${held}: the others' shared head scores it ${transfer[held].f1.toFixed(3)} macro-F1${polarOnly ? ' (pos/neg only)' : ''} (n=${test.length})`,
    );
  }
  const unseenTemperature = fitTemperature(heldOutLogits, heldOutY);

  // The shared head on every language, with out-of-fold logits for its temperature.
  const weights = languageWeights(rows);
  const fold = foldsOf(rows.length, FOLDS, 5);
  const oofShared = new Array<Float64Array>(rows.length);
  for (let f = 0; f < FOLDS; f++) {
    const tr = rows.filter((_, i) => fold[i] !== f);
    const w = fitHead(tr, dims, {
      l2: SHARED_L2,
      iterations: ITERATIONS,
      weights: Float64Array.from(rows.flatMap((_, i) => (fold[i] !== f ? [weights[i]!] : []))),
    });
    rows.forEach((r, i) => {
      if (fold[i] === f) oofShared[i] = logitsOf(w, [r], dims)[0]!;
    });
  }
  const sharedW = fitHead(rows, dims, { l2: SHARED_L2, iterations: ITERATIONS, weights });
  const sharedT = fitTemperature(
    oofShared.filter((_, i) => rows[i]!.lang !== 'sl'),
    rows.flatMap((r) => (r.lang !== 'sl' ? [r.y] : [])),
  );
  log(`shared head: T=${sharedT} (labelled languages), ${unseenTemperature} (held-out languages)`);

  // Per-language heads, pulled towards the shared one.
  const languages: Record<
    string,
    { head: number[]; temperature: number; neutral: 'own' | 'shared'; fastWeight: number }
  > = {};
  const cv: Record<
    string,
    { shared: number; own: number; neutralShare: number; l2: number; l2Curve: number[] }
  > = {};
  const perLanguage: Record<string, { idx: number[]; accOof: Float64Array[]; gold: number[] }> = {};
  for (const lang of langs) {
    const idx = rows.map((r, i) => (r.lang === lang ? i : -1)).filter((i) => i >= 0);
    const lr = idx.map((i) => rows[i]!);
    const neutralShare = lr.filter((r) => r.y === 1).length / lr.length;
    const neutral = neutralShare < SHARED_NEUTRAL_BELOW ? 'shared' : 'own';
    const allowed = neutral === 'shared' ? [true, false, true] : ALL_CLASSES;
    // Polar rows only for a gated language's own head; its neutral is the shared head's.
    const fitRows = neutral === 'shared' ? lr.filter((r) => r.y !== 1) : lr;
    const lf = foldsOf(fitRows.length, FOLDS, 9);
    // Languages not refitted keep their heads: skip their search (only the first l2 is fitted).
    const grid =
      o.refit === undefined || o.refit.includes(lang) ? OWN_L2_GRID : OWN_L2_GRID.slice(0, 1);
    let oof: Float64Array[] = [];
    let ownL2 = grid[0]!;
    let bestF1 = -Infinity;
    const l2Curve: number[] = [];
    for (const l2 of grid) {
      const z = new Array<Float64Array>(fitRows.length);
      for (let f = 0; f < FOLDS; f++) {
        const w = fitHead(
          fitRows.filter((_, i) => lf[i] !== f),
          dims,
          { l2, iterations: ITERATIONS, prior: sharedW, allowed },
        );
        fitRows.forEach((r, i) => {
          if (lf[i] === f) z[i] = logitsOf(w, [r], dims)[0]!;
        });
      }
      const score = f1(
        fitRows.map((r) => r.y),
        z.map((l) => (neutral === 'shared' ? (l[2]! > l[0]! ? 2 : 0) : argmax(l))),
      );
      l2Curve.push(Math.round(score * 1000) / 1000);
      if (score > bestF1 + 1e-9) {
        bestF1 = score;
        oof = z;
        ownL2 = l2;
      }
    }
    const own = fitHead(fitRows, dims, {
      l2: ownL2,
      iterations: ITERATIONS,
      prior: sharedW,
      allowed,
    });
    const temperature = fitTemperature(
      neutral === 'shared' ? oof.map((z) => Float64Array.from([z[0]!, -1e9, z[2]!])) : oof,
      fitRows.map((r) => r.y),
    );
    // Out-of-fold macro-F1 on this language's rows: its own head against the shared head's.
    const gold = idx.map((i) => rows[i]!.y);
    const sharedPred = idx.map((i) => argmax(probabilities(oofShared[i]!, sharedT)));
    // Out-of-fold probabilities of this head as the runtime forms them (headProbabilities).
    const fitPos = new Map(fitRows.map((r, i) => [r, i]));
    const accOof = lr.map((r, n) => {
      const fi = fitPos.get(r);
      if (neutral === 'own') return probabilities(oof[fi!]!, temperature);
      const p = new Float64Array(K);
      const zOwn = fi !== undefined ? oof[fi]! : logitsOf(own, [r], dims)[0]!;
      gatedProbabilities(zOwn, temperature, oofShared[idx[n]!]!, sharedT, p);
      return p;
    });
    const ownPred = accOof.map((p) => argmax(p));
    perLanguage[lang] = { idx, accOof, gold };
    cv[lang] = {
      shared: Math.round(f1(gold, sharedPred) * 1000) / 1000,
      own: Math.round(f1(gold, ownPred) * 1000) / 1000,
      neutralShare: Math.round(neutralShare * 1000) / 1000,
      l2: ownL2,
      l2Curve,
    };
    languages[lang] = {
      head: unstandardize(own, std, dims),
      temperature,
      neutral,
      fastWeight: FAST_WEIGHT,
    };
    log(
      `  ${lang}: ${lr.length} rows, ${(neutralShare * 100).toFixed(0)} % neutral → neutral from ${neutral === 'own' ? 'its own head' : 'the shared head'}; cv macro-F1 own ${cv[lang].own.toFixed(3)} (l2 ${ownL2} of ${grid.join('/')}: ${l2Curve.join('/')}), shared ${cv[lang].shared.toFixed(3)}, T=${temperature}`,
    );
  }

  // The fast tier's weight per language, from both tiers' out-of-fold probabilities on train
  // (read only here: the fast tier's trainer may still be writing them when this one starts).
  // The fast tier's out-of-fold probabilities of the same rows (null where not cached).
  const oofDir = o.fastOof ?? FAST_OOF_DIR;
  // When the two tiers are trained in parallel, give the fast one time to write them (umsab_pt's
  // file is its last).
  const waitUntil = performance.now() + (o.waitForFastOofMs ?? 0);
  while (!existsSync(join(oofDir, 'umsab_pt.train.json')) && performance.now() < waitUntil) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
  const splits = new Map(readSplit(o.data, 'train').map((s) => [s.set, s.rows]));
  const fastOf: Array<Float64Array | null> = cached.flatMap((c) => {
    const p = readFastOutOfFold(oofDir, c.set, splits.get(c.set) ?? []);
    return c.idx.map((j) => p?.[j] ?? null);
  });
  const curves: Record<string, { curve: number[]; n: number }> = {};
  for (const lang of langs) {
    const { idx, accOof, gold } = perLanguage[lang]!;
    const withFast = idx.map((_, n) => n).filter((n) => fastOf[idx[n]!] !== null);
    if (withFast.length > 0) {
      curves[lang] = {
        curve: fastWeightCurve(
          withFast.map((n) => accOof[n]!),
          withFast.map((n) => fastOf[idx[n]!]!),
          withFast.map((n) => gold[n]!),
          combineWithFast,
        ),
        n: withFast.length,
      };
    }
  }
  const curveLangs = Object.keys(curves);
  const pooled = FAST_WEIGHT_GRID.map(
    (_, g) => curveLangs.reduce((a, l) => a + curves[l]!.curve[g]!, 0) / curveLangs.length,
  );
  const fastWeights: Record<string, { weight: number; curve: number[] }> = {};
  for (const lang of langs) {
    const c = curves[lang];
    if (c === undefined) continue;
    const weight = chooseFastWeight(c.curve, c.n, pooled, FAST_WEIGHT_PRIOR_ROWS);
    languages[lang]!.fastWeight = weight;
    fastWeights[lang] = { weight, curve: c.curve.map((f) => Math.round(f * 1000) / 1000) };
    log(
      `  ${lang}: fast weight ${weight} (out-of-fold macro-F1 heads alone ${c.curve[0]!.toFixed(3)}, fast alone ${c.curve[c.curve.length - 1]!.toFixed(3)}, chosen ${c.curve[FAST_WEIGHT_GRID.indexOf(weight)]!.toFixed(3)}; n=${c.n})`,
    );
  }
  if (curveLangs.length === 0)
    log('  no fast-tier out-of-fold probabilities cached: fast weight 0.5');

  const heads = {
    name: ACCURATE_NAME,
    version: ACCURATE_VERSION,
    dims,
    encoder: { file: 'encoder.onnx', sha256: sha256(join(o.out, 'encoder.onnx')) },
    tokenizer: { file: 'tokenizer.json', sha256: sha256(join(o.out, 'tokenizer.json')) },
    shared: { head: unstandardize(sharedW, std, dims), temperature: sharedT, unseenTemperature },
    languages,
    transfer: TRANSFER_LANGUAGES.filter((l) => languages[l] === undefined),
    training: {
      rows: rows.length,
      rowsPerLanguage: Object.fromEntries(
        langs.map((l) => [l, rows.filter((r) => r.lang === l).length]),
      ),
      leaveOneLanguageOut: transfer,
      crossValidated: cv,
      fastWeights,
      fastWeightGrid: FAST_WEIGHT_GRID,
    },
  };
  if (o.refit !== undefined) keepOthers(heads, o.out, o.refit);
  const checked = HeadsSchema.safeParse(heads);
  if (!checked.success) {
    throw new Error(`refusing to write heads.json: ${z.prettifyError(checked.error)}`);
  }
  writeFileSync(join(o.out, 'heads.json'), JSON.stringify(heads) + '\n');
  log(
    `wrote the accurate heads to ${o.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * `heads` with everything but the `refit` languages' heads, cross-validated figures and fast
 * weights taken from the heads.json in `out` (see `refit`).
 */
function keepOthers(
  heads: {
    shared: unknown;
    languages: Record<string, unknown>;
    transfer: string[];
    training: Record<string, unknown>;
  },
  out: string,
  refit: readonly string[],
): void {
  const old = readHeads(out);
  const unknownLang = refit.filter((l) => heads.languages[l] === undefined);
  if (unknownLang.length > 0) {
    throw new Error(`--refit: no labelled cached rows for ${unknownLang.join(', ')}`);
  }
  const oldTraining = (old.training ?? {}) as Record<string, unknown>;
  const merged = (key: string): Record<string, unknown> => {
    const was = (oldTraining[key] ?? {}) as Record<string, unknown>;
    const now = (heads.training[key] ?? {}) as Record<string, unknown>;
    return { ...was, ...Object.fromEntries(refit.map((l) => [l, now[l]])) };
  };
  const crossValidated = merged('crossValidated');
  const fastWeights = merged('fastWeights');
  heads.shared = old.shared;
  heads.transfer = old.transfer;
  heads.languages = {
    ...old.languages,
    ...Object.fromEntries(refit.map((l) => [l, heads.languages[l]])),
  };
  heads.training = {
    ...oldTraining,
    crossValidated,
    fastWeights,
    refit: { languages: refit, version: ACCURATE_VERSION, rows: heads.training.rowsPerLanguage },
  };
}

function capPerLanguage(rows: readonly HeadRow[], max: number): HeadRow[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    const n = seen.get(r.lang) ?? 0;
    seen.set(r.lang, n + 1);
    return n < max;
  });
}
