import type { ExplanationItem } from '../../core/contracts/mention.ts';
import { SARCASM_EMOJI, SARCASM_TAGS, type LangRules } from './lang-rules.ts';
import { hasElongation, isShouted, splitHashtag, squeeze, type Token } from './text.ts';

/**
 * The rule layer: VADER's heuristics (Hutto & Gilbert 2014) generalised to any language that has
 * a lexicon and a `LangRules` table. Pure; the numbers are VADER's published constants.
 */

export interface Lexicons {
  /** Folded word → valence (about -4..4). Multi-word keys are joined by single spaces. */
  words: ReadonlyMap<string, number>;
  emoji: ReadonlyMap<string, number>;
  emoticons: ReadonlyMap<string, number>;
  /** First words of the multi-word entries: phrase matching is tried only where one starts. */
  phraseStarts: ReadonlySet<string>;
  /** Hand-curated entries (precise) as opposed to machine-translated ones (noisy). */
  curated: ReadonlySet<string>;
}

export function makeLexicons(
  words: ReadonlyMap<string, number>,
  emoji: ReadonlyMap<string, number>,
  emoticons: ReadonlyMap<string, number>,
  curated: ReadonlySet<string> = new Set(),
): Lexicons {
  const phraseStarts = new Set<string>();
  for (const k of words.keys()) {
    const sp = k.indexOf(' ');
    if (sp > 0) phraseStarts.add(k.slice(0, sp));
  }
  return { words, emoji, emoticons, phraseStarts, curated };
}

export interface RuleResult {
  /** Sum of the adjusted valences, punctuation emphasis included. */
  sum: number;
  /** VADER's normalised compound score in [-1, 1]. */
  compound: number;
  posSum: number;
  negSum: number;
  /** The part of posSum / negSum that came from curated lexicon entries. */
  curatedPos: number;
  curatedNeg: number;
  /** Counts of sentiment-bearing units (words, emoji). */
  hits: number;
  negations: number;
  emojiHits: number;
  sarcasm: boolean;
  items: ExplanationItem[];
}

const NEGATION_SCALAR = -0.74;
const CAPS_INCREMENT = 0.733;
const ALPHA = 15;
const EXCLAIM_STEP = 0.292;
const QUESTION_STEP = 0.18;
const BOOSTER_DECAY = [1, 0.95, 0.9];
/** Longest multi-word lexicon entry we try to match. */
const MAX_PHRASE = 3;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Valence of a word, trying the elongation-squeezed forms ("goooood" → "good"). */
function lookup(
  words: ReadonlyMap<string, number>,
  norm: string,
): { v: number; key: string } | null {
  const v = words.get(norm);
  if (v !== undefined) return { v, key: norm };
  if (hasElongation(norm)) {
    for (const k of [squeeze(norm, 2), squeeze(norm, 1)]) {
      const w = words.get(k);
      if (w !== undefined) return { v: w, key: k };
    }
  }
  return null;
}

interface Unit {
  token: Token;
  /** For phrases: the last token's end. */
  end: number;
  norm: string;
  kind: 'word' | 'emoji' | 'emoticon' | 'hashtag-word';
}

/** The scoring units in order: words (hashtags split into their words), emoji, emoticons. */
function units(tokens: readonly Token[]): Unit[] {
  const out: Unit[] = [];
  for (const t of tokens) {
    if (t.kind === 'word') out.push({ token: t, end: t.end, norm: t.norm, kind: 'word' });
    else if (t.kind === 'hashtag') {
      for (const p of splitHashtag(t))
        out.push({ token: p, end: p.end, norm: p.norm, kind: 'hashtag-word' });
    } else if (t.kind === 'emoji') out.push({ token: t, end: t.end, norm: t.norm, kind: 'emoji' });
    else if (t.kind === 'emoticon')
      out.push({ token: t, end: t.end, norm: t.norm, kind: 'emoticon' });
  }
  return out;
}

export function scoreRules(
  text: string,
  tokens: readonly Token[],
  lex: Lexicons,
  rules: LangRules | null,
): RuleResult {
  const us = units(tokens);
  const mixedCase = text !== text.toUpperCase();
  const valences: number[] = new Array<number>(us.length).fill(0);
  const items: ExplanationItem[] = [];
  const itemOf: Array<ExplanationItem | null> = new Array<ExplanationItem | null>(us.length).fill(
    null,
  );
  const isCurated: boolean[] = new Array<boolean>(us.length).fill(false);
  let negations = 0;
  let emojiHits = 0;
  let hits = 0;
  let sarcasm = false;
  let contrastAt = -1;

  for (let i = 0; i < us.length; i++) {
    const u = us[i]!;
    if (u.kind === 'emoji' || u.kind === 'emoticon') {
      if (SARCASM_EMOJI.has(u.norm)) sarcasm = true;
      const v = (u.kind === 'emoji' ? lex.emoji : lex.emoticons).get(u.norm);
      if (v === undefined) continue;
      valences[i] = v;
      emojiHits++;
      hits++;
      const item = { text: u.token.raw, start: u.token.start, end: u.end, weight: v, kind: u.kind };
      itemOf[i] = item;
      items.push(item);
      continue;
    }
    if (
      u.kind === 'hashtag-word' &&
      us[i - 1]?.kind !== 'hashtag-word' &&
      SARCASM_TAGS.has(u.norm)
    ) {
      // "#not" / "#sarcasm" as the whole tag.
      const next = us[i + 1];
      if (next === undefined || next.kind !== 'hashtag-word' || next.token.start !== u.end)
        sarcasm = true;
    }
    if (rules !== null && rules.contrast.has(u.norm) && u.kind === 'word') contrastAt = i;

    // Longest lexicon phrase starting here (only among adjacent word units).
    let found: { v: number; key: string } | null = null;
    let span = 1;
    const maxN = lex.phraseStarts.has(u.norm) ? Math.min(MAX_PHRASE, us.length - i) : 1;
    for (let n = maxN; n >= 2 && found === null; n--) {
      const parts: string[] = [];
      for (let k = 0; k < n; k++) {
        const p = us[i + k]!;
        if (p.kind === 'emoji' || p.kind === 'emoticon') break;
        parts.push(p.norm);
      }
      if (parts.length !== n) continue;
      const v = lex.words.get(parts.join(' '));
      if (v !== undefined) {
        found = { v, key: parts.join(' ') };
        span = n;
      }
    }
    found ??= lookup(lex.words, u.norm);
    let negatedByPrefix = false;
    if (found === null && rules !== null) {
      // Persian verbs carry their negation as a prefix: نمی‌خوام, نداره.
      for (const p of rules.negativePrefixes) {
        if (u.norm.startsWith(p) && u.norm.length - p.length >= 3) {
          const inner = lookup(lex.words, u.norm.slice(p.length));
          if (inner !== null) {
            found = inner;
            negatedByPrefix = true;
            break;
          }
        }
      }
    }
    if (found === null && rules !== null) {
      for (const [from, to] of rules.inflections) {
        if (u.norm.length - from.length < 4 || !u.norm.endsWith(from)) continue;
        found = lookup(lex.words, u.norm.slice(0, -from.length) + to);
        if (found !== null) break;
      }
    }
    if (found === null) continue;
    if (rules !== null) {
      if (rules.negators.has(u.norm)) continue;
      // "super" / "mega" are boosters before a sentiment word ("super good") and sentiment
      // words on their own ("einfach super").
      if (rules.boosters.has(u.norm)) {
        const next = us[i + 1];
        if (
          next !== undefined &&
          next.kind !== 'emoji' &&
          next.kind !== 'emoticon' &&
          lookup(lex.words, next.norm) !== null
        )
          continue;
      }
    }

    const last = us[i + span - 1]!;
    let v = found.v;
    const sign = Math.sign(v);
    const raw = text.slice(u.token.start, last.end);
    if (mixedCase && isShouted(u.token.raw)) v += sign * CAPS_INCREMENT;
    if (hasElongation(u.token.raw.toLowerCase())) v += sign * 0.293;

    // Boosters and negators in the three words before.
    let negated = negatedByPrefix;
    if (rules !== null) {
      for (let d = 1; d <= 3 && i - d >= 0; d++) {
        const p = us[i - d]!;
        if (p.kind === 'emoji' || p.kind === 'emoticon') break;
        const b = rules.boosters.get(p.norm);
        if (b !== undefined) {
          let inc = b * sign * BOOSTER_DECAY[d - 1]!;
          if (mixedCase && isShouted(p.token.raw)) inc += sign * CAPS_INCREMENT * Math.sign(b);
          v += inc;
          items.push({
            text: p.token.raw,
            start: p.token.start,
            end: p.end,
            weight: round(inc),
            kind: b > 0 ? 'intensifier' : 'diminisher',
          });
        }
        if (rules.negators.has(p.norm) || p.norm.endsWith("n't")) {
          negated = true;
          negations++;
          items.push({
            text: p.token.raw,
            start: p.token.start,
            end: p.end,
            weight: 0,
            kind: 'negation',
          });
          break;
        }
      }
    }
    if (negated) v *= NEGATION_SCALAR;
    valences[i] = v;
    isCurated[i] = lex.curated.has(found.key);
    hits++;
    const item = {
      text: raw,
      start: u.token.start,
      end: last.end,
      weight: v,
      kind: negated ? 'negated' : 'lexicon',
    };
    itemOf[i] = item;
    items.push(item);
    i += span - 1;
  }

  // Contrast: the clause after "but" carries more weight than the one before.
  if (contrastAt >= 0) {
    for (let i = 0; i < us.length; i++) {
      if (valences[i] === 0) continue;
      valences[i]! *= i < contrastAt ? 0.5 : 1.5;
    }
    const c = us[contrastAt]!;
    items.push({
      text: c.token.raw,
      start: c.token.start,
      end: c.end,
      weight: 0,
      kind: 'contrast',
    });
  }

  let sum = 0;
  let posSum = 0;
  let negSum = 0;
  let curatedPos = 0;
  let curatedNeg = 0;
  for (let i = 0; i < us.length; i++) {
    const v = valences[i]!;
    if (v === 0) continue;
    sum += v;
    if (v > 0) posSum += v;
    else negSum += v;
    if (isCurated[i]) {
      if (v > 0) curatedPos += v;
      else curatedNeg += v;
    }
    const item = itemOf[i];
    if (item !== null && item !== undefined) item.weight = round(v);
  }
  // Negation items take the weight they caused: the flip of the word they negated is already
  // shown on that word (kind 'negated'), so they stay at 0 and only mark the span.

  // Punctuation emphasis amplifies whatever direction the text already has.
  if (sum !== 0) {
    let excl = 0;
    let quest = 0;
    for (const t of tokens) {
      if (t.kind !== 'punct') continue;
      for (const ch of t.raw) {
        if (ch === '!' || ch === '！') excl++;
        else if (ch === '?' || ch === '？') quest++;
      }
    }
    let emph = Math.min(excl, 4) * EXCLAIM_STEP;
    if (quest > 1) emph += Math.min(quest, 3) * QUESTION_STEP;
    if (emph > 0) {
      const e = Math.sign(sum) * emph;
      sum += e;
      const p = tokens.find((t) => t.kind === 'punct');
      if (p !== undefined)
        items.push({ text: p.raw, start: p.start, end: p.end, weight: round(e), kind: 'emphasis' });
    }
  }

  // An explicitly marked sarcastic "praise" is not praise.
  if (sarcasm && sum > 0) {
    const flipped = -0.5 * sum;
    items.push({
      text: 'sarcasm marker',
      start: null,
      end: null,
      weight: round(flipped - sum),
      kind: 'sarcasm',
    });
    sum = flipped;
  }

  const compound = sum / Math.sqrt(sum * sum + ALPHA);
  return {
    sum,
    compound,
    posSum,
    negSum,
    curatedPos,
    curatedNeg,
    hits,
    negations,
    emojiHits,
    sarcasm,
    items,
  };
}
