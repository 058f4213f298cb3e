/**
 * The one Unicode tokenizer and normalizer that watch queries, topics and dedup share, so a
 * query term, a keyword and a dedup shingle all mean the same thing by "word".
 *
 * - A token is a run of letters, marks and digits. Punctuation splits words, so `coca-cola`,
 *   `Coca Cola` and `coca·cola` are the same two tokens, and a query phrase matches all of them.
 * - Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) give one
 *   token per character (with its marks). Dictionary segmentation (ICU) depends on the context,
 *   so the same brand could segment differently in a query and in a post; per-character tokens
 *   matched as a consecutive phrase are predictable.
 * - `#tag` and `@handle` keep their sigil as a flag, so a query can ask for the hashtag only.
 * - The normalized form is lowercased and diacritics-insensitive where diacritics are optional
 *   in practice (Latin, Greek, Cyrillic, Arabic harakat, Hebrew niqqud), and keeps the marks in
 *   Indic and South-East-Asian scripts where a vowel sign changes the word.
 */

export const FLAG_NONE = 0;
export const FLAG_HASHTAG = 1;
export const FLAG_MENTION = 2;
export type TokenFlag = typeof FLAG_NONE | typeof FLAG_HASHTAG | typeof FLAG_MENTION;

export interface Token {
  /** Lowercased, diacritics-folded form: what matching compares. */
  readonly norm: string;
  /** The word exactly as written (without `#`/`@`): what `raw:` compares. */
  readonly raw: string;
  /** UTF-16 offsets into the tokenized string; include the `#`/`@` sigil when flagged. */
  readonly start: number;
  readonly end: number;
  readonly flag: TokenFlag;
}

/** Scripts tokenized one character at a time (no spaces between words). */
const UNSPACED = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}`;

/**
 * Group 1: optional sigil; group 2: one unspaced-script character with its marks; otherwise a
 * word run. ZWNJ/ZWJ stay inside words (Persian writes them inside words). The `v` flag's set
 * difference keeps unspaced characters out of word runs (`iPhone用` is `iphone` + `用`).
 */
const TOKEN_SOURCE = String.raw`([#@]?)(?:([${UNSPACED}]\p{M}*)|[[\p{L}\p{N}]--[${UNSPACED}]][[\p{L}\p{M}\p{N}\u200c\u200d]--[${UNSPACED}]]*)`;
const TOKEN_RE = new RegExp(TOKEN_SOURCE, 'gv');

/** Letters that Unicode decomposition does not fold but searchers expect folded. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ς: 'σ',
  // Persian and Arabic spell yeh and kaf with different code points for the same letter.
  ي: 'ی',
  ى: 'ی',
  ك: 'ک',
  ة: 'ه',
};
const FOLD_RE = /[ßæœøłđðþıςيىكة]/gu;
/** Marks are dropped only when the token's script treats them as optional. */
const MARK_OPTIONAL_SCRIPT =
  /^[#@]?[\p{sc=Latin}\p{sc=Greek}\p{sc=Cyrillic}\p{sc=Arabic}\p{sc=Hebrew}\p{sc=Armenian}\p{sc=Georgian}\p{N}]/u;
const MARKS_RE = /[\p{M}\u0640\u200c\u200d]/gu;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
const ASCII_RE = /^[\x00-\x7f]*$/;

/** Normalization of non-ASCII words is costly (NFKD + regexes); posts repeat words a lot. */
const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** The normalized (matching) form of one word. */
export function normalizeWord(word: string): string {
  if (ASCII_RE.test(word)) return word.toLowerCase();
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  let out = word.normalize('NFKD').toLowerCase();
  if (MARK_OPTIONAL_SCRIPT.test(out)) out = out.replace(MARKS_RE, '');
  else out = out.replace(/[\u200c\u200d]/g, '');
  out = out.replace(FOLD_RE, (c) => FOLD[c] ?? c).normalize('NFC');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, out);
  return out;
}

/**
 * The text tokenized last and its tokens. Enrichment tokenizes a post for the watch queries,
 * then for its topic key phrases, then for near-duplicates, each after its own clean-up (links,
 * @mentions), which leaves most posts' text as it was: the second and third time are then free
 * (on the demo stream, all of them). Hence readonly tokens: callers share them.
 */
let lastText: string | null = null;
let lastTokens: readonly Token[] = [];

/** Split text into tokens with their UTF-16 offsets. Pure; never throws. */
export function tokenize(text: string): readonly Token[] {
  if (text === lastText) return lastTokens;
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(text)) !== null) {
    const whole = m[0];
    const sigil = m[1] ?? '';
    let flag: TokenFlag = FLAG_NONE;
    if (sigil !== '') {
      // `#` or `@` only counts as a sigil at a word start: `a#b` is two plain words.
      const before = m.index > 0 ? text.charCodeAt(m.index - 1) : 32;
      if (isWordBoundaryChar(before)) flag = sigil === '#' ? FLAG_HASHTAG : FLAG_MENTION;
    }
    const rawStart = m.index + sigil.length;
    const raw = sigil === '' ? whole : whole.slice(sigil.length);
    tokens.push({
      norm: normalizeWord(raw),
      raw,
      start: flag === FLAG_NONE ? rawStart : m.index,
      end: m.index + whole.length,
      flag,
    });
  }
  lastText = text;
  lastTokens = tokens;
  return tokens;
}

/**
 * How many plain words (no `#`/`@` sigil) `tokenize` finds in the text, without building the
 * tokens: the spam scorer needs only the count, per mention.
 */
export function countPlainWords(text: string): number {
  let n = 0;
  // The spam scorer comes after near-duplicates, which most often tokenized this very text.
  if (text === lastText) {
    for (const t of lastTokens) if (t.flag === FLAG_NONE) n++;
    return n;
  }
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(text)) !== null) {
    const sigil = m[1] ?? '';
    if (sigil === '') n++;
    else {
      const before = m.index > 0 ? text.charCodeAt(m.index - 1) : 32;
      if (!isWordBoundaryChar(before)) n++; // `a#b`: the sigil is not one
    }
  }
  return n;
}

function isWordBoundaryChar(code: number): boolean {
  // Whitespace and ASCII punctuation other than word characters.
  return (
    code <= 32 ||
    code === 0x28 /* ( */ ||
    code === 0x5b /* [ */ ||
    code === 0x22 /* " */ ||
    code === 0x27 /* ' */ ||
    code === 0x2c /* , */ ||
    code === 0x2e /* . */ ||
    code === 0x3a /* : */ ||
    code === 0x3b /* ; */ ||
    code === 0xa0 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200b)
  );
}

/** Normalized words of a text, for bag-of-words consumers (topics, dedup). */
export function normalizedWords(text: string): string[] {
  return tokenize(text).map((t) => t.norm);
}

/** True when the character is from a script tokenized per character (Han, kana, Thai…). */
const UNSPACED_RE = new RegExp(`^[${UNSPACED}]`, 'v');
export function isUnspacedScript(token: string): boolean {
  return UNSPACED_RE.test(token);
}
