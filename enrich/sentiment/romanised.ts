import type { Token } from './text.ts';

/**
 * Romanised Hindi ("Hinglish"): Hindi written in Latin script, as most Indian social posts are.
 * Language identification knows Hindi only in Devanagari and calls such text English, Tagalog,
 * Slovenian… (umsab_hi dev: 170 of 324 "en"), so the sentiment stage would score it with the
 * wrong language's model or not at all. Its grammar words are distinctive, though: a text the
 * detector calls English or a language without a sentiment model, with two different markers,
 * one of them distinctive, is scored as Hindi (`hi`).
 * The mention's `lang` is left as detected: this is a decision about which model reads the text.
 * Left out on purpose: short forms that are English or Romance words too ("to", "me", "se",
 * "na", "ho", "ye", "ki", "ka", "ke", "par", "hum").
 */
export const MARKERS: ReadonlySet<string> = new Set([
  'hai',
  'hain',
  'hi',
  'nahi',
  'nahin',
  'nhi',
  'kya',
  'kyu',
  'kyun',
  'kyon',
  'mein',
  'bhi',
  'aur',
  'tha',
  'thi',
  'the',
  'ko',
  'yeh',
  'woh',
  'wo',
  'kuch',
  'kuchh',
  'koi',
  'mera',
  'meri',
  'tera',
  'teri',
  'tere',
  'apna',
  'apni',
  'apne',
  'aap',
  'aapka',
  'apka',
  'tum',
  'tumhara',
  'hamara',
  'hamare',
  'kar',
  'karo',
  'karna',
  'karte',
  'kiya',
  'kr',
  'rha',
  'raha',
  'rahe',
  'rahi',
  'gaya',
  'gayi',
  'gye',
  'hoga',
  'hogi',
  'sab',
  'sabko',
  'bahut',
  'bohot',
  'bht',
  'yaar',
  'yar',
  'bhai',
  'ji',
  'jab',
  'tab',
  'phir',
  'fir',
  'abhi',
  'kab',
  'kaise',
  'kaun',
  'kahan',
  'wala',
  'wali',
  'wale',
  'sath',
  'saath',
  'liye',
]);
/** Ambiguous alone ("hi", "the", "tha" are English, slang or names): they count only beside a distinctive one. */
const WEAK: ReadonlySet<string> = new Set([
  'hi',
  'the',
  'ko',
  'wo',
  'koi',
  'sab',
  'tab',
  'jab',
  'tha',
  'thi',
  'yeh',
  'wala',
  'wale',
  'wali',
  'fir',
  'ji',
  'yar',
  'kar',
  'aap',
  'tum',
  'kiya',
  'gaya',
  'sath',
  'mera',
  'tera',
]);

/** Different marker words needed, at least one of them distinctive ("hai", "nahi", "kya"). */
export const MIN_MARKERS = 2;

/**
 * Whether these tokens read as romanised Hindi (see the module comment). With `unmodelled` (the
 * detector named a language without a sentiment model, so the text would go unscored), one
 * distinctive marker is enough: such texts are mostly Hinglish the detector took for Tagalog,
 * Malay or Albanian (22 % of umsab_hi train), and a Hindi reading beats none.
 */
export function isRomanisedHindi(tokens: readonly Token[], unmodelled = false): boolean {
  let strong = 0;
  let weak = 0;
  let seen: string | null = null;
  for (const t of tokens) {
    if (t.kind !== 'word' || !MARKERS.has(t.norm) || t.norm === seen) continue;
    seen = t.norm;
    if (WEAK.has(t.norm)) weak++;
    else strong++;
    if (strong >= MIN_MARKERS || (strong >= 1 && (weak >= 1 || unmodelled))) return true;
  }
  return false;
}
