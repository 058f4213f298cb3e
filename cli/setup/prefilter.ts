import type { QueryAst } from '../../enrich/match/index.ts';
import { normalizeWord } from '../../enrich/text/tokenize.ts';

/**
 * A query preview over a million stored mentions cannot read every text into the process: the
 * store narrows them first. `queryNeedles` gives words of which a matching text must contain
 * at least one (a superset: the matcher decides), searched in the text folded the way the
 * tokenizer folds words (lowercase, diacritics off: "Nestlé" holds "nestle"). `null`: the query
 * can match without any word (`lang:de`, `NOT x`), so nothing can be narrowed.
 */
export function queryNeedles(ast: QueryAst): string[] | null {
  switch (ast.type) {
    case 'term': {
      // Every word of a phrase is in a match; the longest one narrows best.
      const words = ast.words.map((w) => foldNeedle(w.text)).filter((w) => w.length > 0);
      // Scripts whose words fold to other letters than the text holds (Hangul to jamo…): no
      // narrowing rather than a miss.
      if (words.length === 0 || !words.every((w) => SEARCHABLE.test(w))) return null;
      return variants(words.reduce((a, b) => (b.length > a.length ? b : a)));
    }
    case 'field':
    case 'not':
      return null;
    case 'or': {
      const all: string[] = [];
      for (const child of ast.children) {
        const n = queryNeedles(child);
        if (n === null) return null;
        all.push(...n);
      }
      return [...new Set(all)];
    }
    case 'and':
    case 'near': {
      const children = ast.type === 'and' ? ast.children : [ast.left, ast.right];
      // Any one constrained side narrows; the one with the fewest (and longest) words best.
      let best: string[] | null = null;
      for (const child of children) {
        const n = queryNeedles(child);
        if (n !== null && (best === null || score(n) > score(best))) best = n;
      }
      return best;
    }
  }
}

/** Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic and digits: folded one letter at a time. */
const SEARCHABLE = /^[\u0020-\u024f\u0370-\u058f\u05d0-\u06ff]+$/u;

/**
 * A needle and its spellings with the letters that fold to two (a text's "straße" folds to
 * "strasse" in the tokenizer, but the store folds one letter to one: search "straße" too).
 */
function variants(needle: string): string[] {
  const out = [needle];
  for (const [from, to] of MULTI)
    if (needle.includes(to)) out.push(...out.map((n) => n.replaceAll(to, from)));
  return [...new Set(out)].slice(0, 16);
}

function score(needles: string[]): number {
  return Math.min(...needles.map((n) => n.length)) / needles.length;
}

/** A query word as the folded text holds it: folded the same way (`foldText`). */
export function foldNeedle(word: string): string {
  return foldText(word);
}

/**
 * A text folded so that every word the tokenizer normalizes appears in it as its normal form
 * (or, for letters that fold to two, as a spelling `variants` searches): decomposed, lowercased,
 * every mark, tatweel and ZWNJ/ZWJ dropped (the tokenizer drops them inside Latin, Greek,
 * Cyrillic, Arabic and Hebrew words, the only scripts needles come from), then one letter to one.
 * Dropping marks in other scripts too only makes the text hold more: never a lost match.
 * The store folds the same way in SQL (`foldedTextSql` in store/queries/preview.ts).
 */
export function foldText(text: string): string {
  // eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(MARKS_RE, '')
    .replace(FOLD_RE, (c) => FOLD_MAP.get(c) ?? c);
}

/** What the fold drops (the SQL twin is `[\p{M}\x{0640}\x{200C}\x{200D}]`). */
const MARKS_RE = /[\p{M}\u0640\u200c\u200d]/gu;

/**
 * Characters the tokenizer folds to one other character, found by asking it (so the two never
 * disagree), for `translateUTF8`; the few that fold to two letters (ß → ss) are replaced apart.
 */
const FOLD_MAP = new Map<string, string>();
const MULTI: Array<[string, string]> = [];
for (let cp = 0x80; cp <= 0xffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const ch = String.fromCodePoint(cp);
  if (!/[\p{L}\p{N}]/u.test(ch)) continue;
  const lower = ch.toLowerCase();
  if ([...lower].length !== 1) continue;
  const folded = normalizeWord(lower);
  if (folded === lower || folded.length === 0) continue;
  if ([...folded].length === 1) FOLD_MAP.set(lower, folded);
  else if (cp < 0x250 && /^[a-z]{2,3}$/.test(folded) && !MULTI.some(([f]) => f === lower))
    MULTI.push([lower, folded]);
}

const FOLD_RE = new RegExp(`[${[...FOLD_MAP.keys()].join('')}]`, 'gu');

/** The SQL parameters of the fold's last step: `translateUTF8(x, from, to)`. */
export const FOLD_SQL = {
  from: [...FOLD_MAP.keys()].join(''),
  to: [...FOLD_MAP.values()].join(''),
};
