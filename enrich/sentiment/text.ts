/**
 * Tokenizing and folding for sentiment. Tokens keep UTF-16 offsets into the original text, so
 * an explanation can point the UI at the exact characters that moved a score.
 */

export type TokenKind = 'word' | 'hashtag' | 'mention' | 'url' | 'emoji' | 'emoticon' | 'punct';

export interface Token {
  kind: TokenKind;
  /** The original characters, `text.slice(start, end)`. */
  raw: string;
  /** Folded form used for lookups (see `fold`); for emoji the emoji without variation selectors. */
  norm: string;
  start: number;
  end: number;
}

// Emoticons are listed explicitly: a generic punctuation pattern would eat "(1)" or "8)".
const EMOTICONS = [
  ':-)',
  ':)',
  ':-]',
  ':]',
  ':-D',
  ':D',
  ':-d',
  '=)',
  '=D',
  ';-)',
  ';)',
  ';-D',
  ';D',
  ':-P',
  ':P',
  ':-p',
  ':p',
  ';P',
  ';p',
  'xD',
  'XD',
  'xd',
  ':*',
  ':-*',
  '<3',
  '<33',
  '<333',
  '^^',
  '^_^',
  '^.^',
  '(:',
  '(=',
  ':o)',
  ':3',
  'B-)',
  '8-)',
  '\\o/',
  ':-(',
  ':(',
  ':-[',
  ':[',
  ":'(",
  ":'-(",
  ':((',
  ':(((',
  ':-((',
  '=(',
  ':-/',
  ':/',
  ':-\\',
  ':\\',
  ':-|',
  ':|',
  '</3',
  'D:',
  '-_-',
  '-.-',
  'T_T',
  'T.T',
  ';(',
  ';-(',
  '>:(',
  '>:-(',
  ':@',
  ':S',
  ':s',
  ':-S',
  ':O',
  ':o',
  ':-O',
  ':-o',
  ":')",
  ":'-)",
  ':))',
  ':)))',
  ':-))',
  ';))',
];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const EMOTICON_ALT = [...EMOTICONS]
  .sort((a, b) => b.length - a.length)
  .map(escapeRe)
  .join('|');

/**
 * The token patterns, one alternation tried left to right at each position, in this order.
 * Emoticons must be delimited by space or text edges so "http://x.com/D:" is a URL, not a frown.
 */
export const TOKEN_PATTERNS: ReadonlyArray<readonly [TokenKind, string]> = [
  ['url', '(?:https?:\\/\\/|www\\.)\\S+'],
  ['mention', '[@＠][\\p{L}\\p{N}_.]+'],
  ['hashtag', '[#＃][\\p{L}\\p{M}\\p{N}_]+'],
  ['emoticon', `(?<![\\p{L}\\p{N}])(?:${EMOTICON_ALT})(?![\\p{L}\\p{N}])`],
  ['word', "[\\p{L}\\p{M}\\p{N}\\u200c\\u200d]+(?:['’][\\p{L}\\p{M}]+)*"],
  [
    'emoji',
    '(?:\\p{Regional_Indicator}{2})|(?:\\p{Extended_Pictographic}(?:\\ufe0f|\\u20e3|[\\u{1f3fb}-\\u{1f3ff}])*(?:\\u200d\\p{Extended_Pictographic}(?:\\ufe0f)?)*)',
  ],
  ['punct', '[!?！？]+|[.…]{2,}'],
];

/**
 * One numbered group per pattern (group i + 1 = TOKEN_PATTERNS[i]), matched with `exec`: named
 * groups and matchAll's iterator cost an object per token on the hot path (12 % of the enrich
 * stage's allocations), numbered groups only the match itself.
 */
const TOKEN_RE = new RegExp(TOKEN_PATTERNS.map(([, p]) => `(${p})`).join('|'), 'gu');
const KIND_OF_GROUP: readonly TokenKind[] = TOKEN_PATTERNS.map(([kind]) => kind);

const COMBINING_RE = /\p{M}/gu;
const NON_ASCII_RE = /[^ -~\t\n\r]/;
const ARABIC_RE = /[\u0600-\u06ff]/;

/**
 * Lookup form of a word: lower case, diacritics and Arabic short vowels removed, Arabic-script
 * letter variants unified (ي/ی, ك/ک, أ/إ/آ → ا, ة → ه, tatweel dropped), typographic apostrophe
 * → ASCII. Social text drops accents freely ("αλλα", "nao", "tres"), so the lexicons are folded
 * the same way at build time. Collisions this creates are rare and averaged when building.
 */
export function fold(word: string): string {
  const lower = word.toLowerCase();
  if (!NON_ASCII_RE.test(lower)) return lower;
  const cached = foldCache.get(lower);
  if (cached !== undefined) return cached;
  const folded = foldSlow(lower);
  // Bounded: word frequencies are Zipfian, so a modest cache catches most lookups.
  if (foldCache.size >= FOLD_CACHE_MAX) foldCache.clear();
  foldCache.set(lower, folded);
  return folded;
}

const FOLD_CACHE_MAX = 50_000;
const foldCache = new Map<string, string>();

function foldSlow(lower: string): string {
  let s = lower.normalize('NFD').replace(COMBINING_RE, '').replace(/’/g, "'");
  if (ARABIC_RE.test(s)) {
    s = s
      .replace(/[\u064a\u0649]/g, '\u06cc') // ي ى → ی
      .replace(/\u0643/g, '\u06a9') // ك → ک
      .replace(/[\u0623\u0625\u0622\u0671]/g, '\u0627') // أ إ آ ٱ → ا
      .replace(/\u0629/g, '\u0647') // ة → ه
      .replace(/[\u0640\u200c\u200d]/g, ''); // tatweel, ZWNJ, ZWJ
  }
  return s.normalize('NFC');
}

/** "soooo" → "soo": runs of 3+ identical letters shortened to 2 (then to 1 if needed). */
export function squeeze(word: string, keep: 1 | 2): string {
  return keep === 2 ? word.replace(/(\p{L})\1{2,}/gu, '$1$1') : word.replace(/(\p{L})\1+/gu, '$1');
}

/** Three or more of the same letter in a row ("soooo"); a plain loop, as it runs per word. */
export function hasElongation(word: string): boolean {
  let run = 1;
  for (let i = 1; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === word.charCodeAt(i - 1) && isLetterCode(c)) {
      if (++run >= 3) return true;
    } else run = 1;
  }
  return false;
}

/** Letters, roughly: ASCII a–z/A–Z and everything from Latin-1 letters up, minus punctuation blocks. */
function isLetterCode(c: number): boolean {
  const l = c | 0x20;
  return (
    (l >= 0x61 && l <= 0x7a) ||
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x2bff))
  );
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const start = m.index;
    const raw = m[0];
    const end = start + raw.length;
    let group = 1;
    while (m[group] === undefined) group++;
    const kind = KIND_OF_GROUP[group - 1]!;
    let norm: string;
    if (kind === 'word') norm = fold(raw);
    else if (kind === 'emoji') norm = raw.replace(/\ufe0f|\p{Emoji_Modifier}/gu, '');
    else if (kind === 'hashtag') norm = fold(raw.slice(1));
    else if (kind === 'emoticon' || kind === 'punct') norm = raw;
    else norm = ''; // mention, url
    tokens.push({ kind, raw, norm, start, end });
  }
  return tokens;
}

/** "#NotGood" / "#not_good" → word pieces with offsets inside the original text. */
export function splitHashtag(token: Token): Token[] {
  const body = token.raw.slice(1);
  const parts: Token[] = [];
  const re = /\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\p{N}+|[\p{L}\p{M}]+/gu;
  for (const m of body.matchAll(re)) {
    const start = token.start + 1 + m.index;
    parts.push({ kind: 'word', raw: m[0], norm: fold(m[0]), start, end: start + m[0].length });
  }
  return parts;
}

/** True when the word is written in capitals (and is long enough to be shouting, not an acronym). */
export function isShouted(raw: string): boolean {
  return raw.length >= 3 && raw === raw.toUpperCase() && raw !== raw.toLowerCase();
}
