import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import type { ExplanationItem, Sentiment } from '../../core/contracts/mention.ts';
import { functionWords, joinPhrases, showable } from './explain.ts';
import { FeatureBuffer, extractFeatures } from './features.ts';
import { rulesFor } from './lang-rules.ts';
import { CLASSES, K } from './linear.ts';
import { readHeads, readJson, readLinear } from './loaders.ts';
import { LexiconsFileSchema, ManifestSchema, ValenceTableSchema } from './manifest.ts';
import { clamp, mergeOwned, round3 } from './merge.ts';
import { sentimentLanguage } from './romanised.ts';
import { makeLexicons, scoreRules, type Lexicons } from './rules.ts';
import { tokenize } from './text.ts';

/**
 * Sentiment for one mention, in three layers:
 *   1. the rule layer (VADER generalised per language) over the committed lexicons: it reads
 *      negation, intensifiers, contrast, emphasis and emoji, and explains itself word by word;
 *   2. the trained linear model over hashed words and character n-grams *and* the rule layer's
 *      outputs, so the combination of the two is learned per language, not hand-weighted;
 *   3. a temperature per language fitted on out-of-fold predictions, so `confidence` is a
 *      calibrated probability; for a language without neutral training data (Slovenian), the
 *      neutral class comes from a language-independent neutral gate (neutral.ts).
 * A language with a lexicon but no trained model falls back to the rules alone; a language with
 * neither is `unscored` (only emoji and emoticons are read, as they mean the same everywhere).
 * Callers pass text too short to identify in its likeliest language (`scoringLanguage`).
 */
export interface SentimentScorer {
  readonly model: { name: string; version: string };
  /** Pure and synchronous; `lang` is the detected ISO code ('und' allowed). */
  score(text: string, lang: string): Sentiment;
  /** Optional emotions for languages where supported honestly, else null. */
  emotion(text: string, lang: string): Record<string, number> | null;
}

export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('./model/', import.meta.url));

/** VADER's neutral band on the compound score. */
const NEUTRAL_BAND = 0.05;
/** The base language of a code like `pt-BR`. */
function baseLang(lang: string): string {
  const i = lang.indexOf('-');
  return (i < 0 ? lang : lang.slice(0, i)).toLowerCase();
}

export function loadSentimentScorer(options: { modelDir?: string } = {}): SentimentScorer {
  return createScorer(options.modelDir ?? DEFAULT_MODEL_DIR, { useModel: true });
}

/**
 * The scorer behind `loadSentimentScorer`; `useModel: false` scores with the rule layer alone
 * (the evaluation reports both, to show what the trained model adds).
 */
export function createScorer(dir: string, opts: { useModel: boolean }): SentimentScorer {
  const manifest = readJson(join(dir, 'manifest.json'), ManifestSchema);
  const lexFile = readJson(join(dir, manifest.files.lexicons), LexiconsFileSchema);
  const curatedFile = readJson(
    join(dir, manifest.files.curated),
    z.record(z.string(), z.array(z.string())),
  );
  const emoji = new Map(
    Object.entries(readJson(join(dir, manifest.files.emoji), ValenceTableSchema)),
  );
  const emoticons = new Map(
    Object.entries(readJson(join(dir, manifest.files.emoticons), ValenceTableSchema)),
  );

  const lexicons = new Map<string, Lexicons>();
  for (const lang of manifest.languages) {
    const words = lexFile[lang];
    if (words === undefined) {
      throw new Error(
        `sentiment model file lacks the lexicon for "${lang}": ${join(dir, manifest.files.lexicons)}`,
      );
    }
    lexicons.set(
      lang,
      makeLexicons(
        new Map(Object.entries(words)),
        emoji,
        emoticons,
        new Set(curatedFile[lang] ?? []),
      ),
    );
  }
  // What explanations leave out per language (explain.ts).
  const stop = new Map<string, Set<string>>();
  for (const lang of manifest.languages) {
    stop.set(
      lang,
      functionWords(
        lang,
        lexicons.get(lang)!.words,
        new Set(curatedFile[lang] ?? []),
        rulesFor(lang) ?? null,
      ),
    );
  }
  const hindi = lexicons.has('hi');
  // Text in no known language can still carry emoji and emoticons, which mean the same everywhere.
  const symbolsOnly: Lexicons = makeLexicons(new Map(), emoji, emoticons);

  const linear =
    opts.useModel && manifest.linear !== undefined ? readLinear(dir, manifest.linear) : null;
  const wordHeads =
    linear === null || manifest.linear === undefined ? null : readHeads(dir, manifest.linear);
  const headOut = new Float64Array(K);
  const model = Object.freeze({
    name: manifest.name,
    version: linear === null ? `${manifest.version}+rules` : manifest.version,
  });
  const buf = new FeatureBuffer();
  const probs = new Float64Array(K);
  const unscored = (): Sentiment => ({
    label: 'unscored',
    score: 0,
    confidence: 0,
    explanation: [],
    model,
  });

  return {
    model,
    score(text: string, lang: string): Sentiment {
      const tokens = tokenize(text);
      let base = baseLang(lang);
      // Romanised Hindi is detected as English, Slovenian, Tagalog… (romanised.ts).
      if (hindi) base = sentimentLanguage(tokens, base, lexicons.has(base));
      const lex = lexicons.get(base);
      if (lex === undefined) {
        // Unsupported or undetermined language: only emoji/emoticons can be read honestly.
        const r = scoreRules(text, tokens, symbolsOnly, null);
        if (r.emojiHits === 0) return unscored();
        return toSentiment(r.compound, r.hits, r.items, null, text, model);
      }
      const rules = rulesFor(base) ?? null;
      const r = scoreRules(text, tokens, lex, rules);
      const fw = stop.get(base) ?? null;
      if (linear === null || linear.languages[base] === undefined) {
        return toSentiment(r.compound, r.hits, r.items, fw, text, model);
      }
      extractFeatures(buf, linear.config, base, text, tokens, r, rules?.negators ?? null);
      if (perToken.length < tokens.length) perToken = new Float64Array(tokens.length * 2);
      perToken.fill(0, 0, tokens.length);
      const wh = wordHeads?.heads.get(base);
      if (wh === undefined) linear.probabilities(buf, base, probs, perToken);
      else {
        if (share.length < tokens.length) {
          share = new Float64Array(tokens.length * 2);
          shareRows = new Int32Array(tokens.length * 2);
        }
        wordHeads!.vectors.headLogits(
          wh.proj,
          wh.head,
          tokens,
          headOut,
          share,
          shareRows,
          rules?.negators ?? null,
        );
        linear.probabilities(buf, base, probs, perToken, headOut);
        // Each known word's part of the head's logits, through the combiner, onto (pos − neg).
        const pol = wh.polarity;
        for (let ti = 0; ti < tokens.length; ti++) {
          const r = shareRows[ti]!;
          if (r < 0) continue;
          const p = wh.proj;
          const v = pol[0]! * p[r * 3]! + pol[1]! * p[r * 3 + 1]! + pol[2]! * p[r * 3 + 2]!;
          perToken[ti] = perToken[ti]! + share[ti]! * v;
        }
      }
      // When the rules decided, the explanation is theirs alone.
      const ruled = overrideShortText(probs, r, tokens);
      const fromModel = ruled ? [] : modelItems(perToken, tokens);
      const label = CLASSES[argmax(probs)]!;
      const explanation = mergeOwned(joinPhrases(text, r.items), fromModel, (it) =>
        showable(it, label, fw),
      );
      return fromProbabilities(probs, explanation, model);
    },
    emotion(): Record<string, number> | null {
      return null;
    },
  };
}

function toSentiment(
  compound: number,
  hits: number,
  items: ExplanationItem[],
  fw: ReadonlySet<string> | null,
  text: string,
  model: { name: string; version: string },
): Sentiment {
  const score = round3(clamp(compound, -1, 1));
  const label = score >= NEUTRAL_BAND ? 'pos' : score <= -NEUTRAL_BAND ? 'neg' : 'neu';
  const explanation = mergeOwned(joinPhrases(text, items), [], (it) => showable(it, label, fw));
  // Rule-only confidence: stronger compound and more evidence → surer. Replaced by the
  // calibrated model probability once a trained model is present.
  const strength = label === 'neu' ? 1 - Math.abs(score) / NEUTRAL_BAND : Math.abs(score);
  const evidence = 1 - Math.exp(-hits);
  const confidence = round3(
    clamp(0.34 + 0.4 * strength * (label === 'neu' ? 0.5 : evidence), 0, 1),
  );
  return { label, score, confidence, explanation, model };
}

/**
 * What the trained model read, per token: the summed (pos − neg) logit contributions of the
 * token's word, bigram and character n-gram features. Tokens whose total is negligible are left
 * out, so the explanation names only words that moved the result.
 */
function modelItems(
  perToken: Float64Array,
  tokens: ReturnType<typeof tokenize>,
): ExplanationItem[] {
  const items: ExplanationItem[] = [];
  for (let ti = 0; ti < tokens.length; ti++) {
    const w = perToken[ti]!;
    if (Math.abs(w) < MIN_MODEL_WEIGHT) continue;
    const t = tokens[ti]!;
    // Handles and links are who and where, not what was said.
    if (t.kind === 'mention' || t.kind === 'url') continue;
    items.push({ text: t.raw, start: t.start, end: t.end, weight: round3(w), kind: 'model' });
  }
  return items;
}

/**
 * When the rules may decide instead of an unsure model, as (max words, min |compound|, model's
 * top probability below): very short texts on a moderate rule signal, short ones on a strong one.
 */
const OVERRIDE_TIERS: ReadonlyArray<readonly [number, number, number]> = [
  [6, 0.3, 0.5],
  [12, 0.5, 0.45],
];

/**
 * Confidence-aware combination for short texts: "Non è buono" has one word of evidence, which the
 * rule layer reads right (negated "buono") while the model, whose per-word weights come from a
 * couple of thousand tweets, may lean on "è" and "Non" and end up unsure. When the text is short,
 * the rule signal one-sided (only positive or only negative hits) and strong enough, and the
 * model unsure, the probabilities are averaged with the rule's class. Tiers chosen by
 * cross-validation on train (out-of-fold predictions: within ±0.001 of macro-F1 per language, so
 * this fixes visible errors rather than raising the score).
 */
function overrideShortText(
  p: Float64Array,
  r: ReturnType<typeof scoreRules>,
  tokens: ReturnType<typeof tokenize>,
): boolean {
  const strength = Math.abs(r.compound);
  if (r.hits === 0 || strength < 0.3) return false;
  if (r.compound > 0 ? r.negSum !== 0 : r.posSum !== 0) return false;
  let top = p[0]!;
  for (let c = 1; c < K; c++) if (p[c]! > top) top = p[c]!;
  let words = 0;
  for (const t of tokens) if (t.kind === 'word' || t.kind === 'hashtag') words++;
  let fire = false;
  for (const [maxWords, minStrength, maxProb] of OVERRIDE_TIERS) {
    if (words <= maxWords && strength >= minStrength && top < maxProb) fire = true;
  }
  if (!fire) return false;
  const rc = r.compound > 0 ? 2 : 0;
  for (let c = 0; c < K; c++) p[c] = (p[c]! + (c === rc ? 1 : 0)) / 2;
  return true;
}

/** Per-token accumulator for `modelItems`, reused across calls (scoring is synchronous). */
let perToken = new Float64Array(256);
/** Per-token weight in the word-vector mean and table row, reused likewise. */
let share = new Float64Array(256);
let shareRows = new Int32Array(256);

/** Per-token logit contributions below this are left out before merging (noise for a reader). */
const MIN_MODEL_WEIGHT = 0.05;

function argmax(p: Float64Array): number {
  let best = 0;
  for (let c = 1; c < K; c++) if (p[c]! > p[best]!) best = c;
  return best;
}

/** The smallest |score| a polar label is given: rounding must never leave a pos label at 0. */
const MIN_POLAR_SCORE = 0.001;

/**
 * Label, score and confidence from the class probabilities. The score agrees with the label: a
 * pos label has score > 0, a neg label < 0 (P(pos) − P(neg), which argmax already makes so, kept
 * off 0 by rounding), and a neutral label's lean P(pos) − P(neg) is scaled into the rule layer's
 * neutral band (|score| < 0.05): "neutral −0.30" reads as negative to anyone averaging scores or
 * reading the pill, though the text was judged neutral.
 */
function fromProbabilities(
  p: Float64Array,
  explanation: ExplanationItem[],
  model: { name: string; version: string },
): Sentiment {
  const best = argmax(p);
  const label = CLASSES[best]!;
  const lean = clamp(p[2]! - p[0]!, -1, 1);
  let score: number;
  if (label === 'pos') score = Math.max(MIN_POLAR_SCORE, round3(lean));
  else if (label === 'neg') score = Math.min(-MIN_POLAR_SCORE, round3(lean));
  else score = round3(lean * NEUTRAL_BAND * 0.99);
  return { label, score, confidence: round3(p[best]!), explanation, model };
}
