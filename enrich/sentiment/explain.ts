import { createRequire } from 'node:module';
import type { ExplanationItem } from '../../core/contracts/mention.ts';
import type { LangRules } from './lang-rules.ts';
import { MARKERS as HINDI_MARKERS } from './romanised.ts';
import { fold } from './text.ts';

/**
 * What an explanation may show a reader (issue 16, "explanations a marketer trusts"). The model
 * spreads weight over every word, function words included ("my +0.65", "the +0.43"), and a
 * word's learned weight can point against the label it helped decide ("actualización +0.35" on
 * a complaint). Both are true of the model and useless to a reader, so the explanation keeps:
 *   - content words and phrases: a negation with the words it reaches ("not very good"), an
 *     intensifier with the word it lifts ("really love"), emoji, emoticons, "!!!";
 *   - for a positive or negative label, lexicon evidence of either sign (a sentiment word the
 *     text really contains) and the model's own words only where they point the label's way;
 *   - for a neutral label, lexicon evidence only: the model's small leanings on a neutral text
 *     read as an opinion it does not have.
 * Scoring is unchanged: this decides what is shown, never what is computed.
 */

/** Rule-layer kinds that modify the next sentiment word rather than carrying one themselves. */
const MODIFIERS = new Set(['intensifier', 'diminisher', 'negation']);
/** Rule-layer kinds that carry a sentiment word (plain or negated). */
const WORDS = new Set(['lexicon', 'negated']);
/**
 * Uncurated (translated) lexicon entries that are also stop words are shown only from this
 * valence up (VADER scale): "sur" (French "on", 0.8 from a translation of "sure") is noise,
 * "peccato" (-1.6) is not.
 */
const STOPWORD_LEXICON_MIN = 1;

/** Tokens of social text that are never content, in every language. */
const SOCIAL = ['rt', 'via', 'amp', 'http', 'https', 'www', 'com'];

type StopwordsIso = Record<string, string[]>;
let iso: StopwordsIso | null = null;

/**
 * A language's function words: stopwords-iso's list (folded like tokens), less the words the
 * rule layer reads (negators, boosters: they are explained as part of a phrase) and less the
 * lexicon's sentiment words (curated ones, and translated ones of some strength): stopwords-iso
 * lists "good", "great", "like" for English.
 */
export function functionWords(
  lang: string,
  lexicon: ReadonlyMap<string, number>,
  curated: ReadonlySet<string>,
  rules: LangRules | null,
): Set<string> {
  iso ??= createRequire(import.meta.url)('stopwords-iso') as StopwordsIso;
  const out = new Set<string>(SOCIAL);
  // stopwords-iso's Hindi is Devanagari; posts are mostly romanised, whose grammar words are
  // the markers romanised.ts recognises Hindi by.
  const words = lang === 'hi' ? [...(iso[lang] ?? []), ...HINDI_MARKERS] : (iso[lang] ?? []);
  for (const w of words) {
    const f = fold(w);
    if (rules !== null && (rules.negators.has(f) || rules.boosters.has(f))) continue;
    if (curated.has(f)) continue;
    const v = lexicon.get(f);
    if (v !== undefined && Math.abs(v) >= STOPWORD_LEXICON_MIN) continue;
    out.add(f);
  }
  return out;
}

/**
 * The rule layer lists a modifier (intensifier, diminisher, negation) just before the sentiment
 * word it applies to; here each such run joins that word into one phrase item spanning both
 * ("not very good", "really love"), weighted by their sum. Items are the caller's (fresh per
 * mention) and are reused; the result is in the rule layer's order.
 */
export function joinPhrases(text: string, items: ExplanationItem[]): ExplanationItem[] {
  const out: ExplanationItem[] = [];
  let pending: ExplanationItem[] = [];
  for (const it of items) {
    if (MODIFIERS.has(it.kind) && it.start !== null && it.end !== null) {
      pending.push(it);
      continue;
    }
    if (pending.length > 0 && WORDS.has(it.kind) && it.start !== null && it.end !== null) {
      let start = it.start;
      let weight = it.weight;
      for (const p of pending) {
        weight += p.weight;
        if (p.start! < start) start = p.start!;
      }
      it.start = start;
      it.text = text.slice(start, it.end);
      it.weight = weight;
      out.push(it);
      pending = [];
      continue;
    }
    out.push(...pending, it);
    pending = [];
  }
  out.push(...pending);
  return out;
}

/**
 * Whether a merged explanation item may be shown for a mention labelled `label`: see the module
 * comment. `functionWords` is the language's set (`functionWords`), or null where none applies.
 */
export function showable(
  item: ExplanationItem,
  label: string,
  functionWords: ReadonlySet<string> | null,
): boolean {
  const single = item.kind === 'model' || item.kind === 'lexicon';
  if (single && functionWords !== null && functionWords.has(fold(item.text))) return false;
  if (item.kind !== 'model') return true;
  if (label === 'pos') return item.weight > 0;
  if (label === 'neg') return item.weight < 0;
  return false;
}
