/**
 * Script census: how many letters of each writing system a text holds. Pure and cheap (one pass
 * over UTF-16 code units), so the detector can decide Greek, Persian, Arabic, Hebrew, CJK … by
 * script alone, which is both faster and more accurate than any n-gram model for those cases.
 */

export interface ScriptCounts {
  latin: number;
  greek: number;
  cyrillic: number;
  /** Arabic-script letters (Arabic, Persian, Urdu …). */
  arabic: number;
  /** Letters only Persian uses among Arabic-script languages: پ چ ژ گ (and Persian ی ک). */
  persianOnly: number;
  /** Letters Arabic uses and Persian avoids: ة ي ك ى. */
  arabicOnly: number;
  /** Letters specific to Urdu: ٹ ڈ ڑ ں ے ھ. */
  urduOnly: number;
  hebrew: number;
  devanagari: number;
  hangul: number;
  kana: number;
  han: number;
  thai: number;
  armenian: number;
  georgian: number;
  other: number;
  /** All letters counted above. */
  letters: number;
}

export type DominantScript = Exclude<
  keyof ScriptCounts,
  'letters' | 'persianOnly' | 'arabicOnly' | 'urduOnly'
>;

const LETTER = /\p{L}/u;

export function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = {
    latin: 0,
    greek: 0,
    cyrillic: 0,
    arabic: 0,
    persianOnly: 0,
    arabicOnly: 0,
    urduOnly: 0,
    hebrew: 0,
    devanagari: 0,
    hangul: 0,
    kana: 0,
    han: 0,
    thai: 0,
    armenian: 0,
    georgian: 0,
    other: 0,
    letters: 0,
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) {
      if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) {
        c.latin++;
        c.letters++;
      }
      continue;
    }
    if (!LETTER.test(ch)) continue;
    c.letters++;
    if (cp <= 0x024f || (cp >= 0x1e00 && cp <= 0x1eff)) c.latin++;
    else if ((cp >= 0x0370 && cp <= 0x03ff) || (cp >= 0x1f00 && cp <= 0x1fff)) c.greek++;
    else if (cp >= 0x0400 && cp <= 0x052f) c.cyrillic++;
    else if (
      (cp >= 0x0600 && cp <= 0x06ff) ||
      (cp >= 0x0750 && cp <= 0x077f) ||
      (cp >= 0xfb50 && cp <= 0xfdff) ||
      (cp >= 0xfe70 && cp <= 0xfeff)
    ) {
      c.arabic++;
      // پ چ ژ گ ک ی
      if (
        cp === 0x067e ||
        cp === 0x0686 ||
        cp === 0x0698 ||
        cp === 0x06af ||
        cp === 0x06a9 ||
        cp === 0x06cc
      )
        c.persianOnly++;
      // ة ي ك ى
      else if (cp === 0x0629 || cp === 0x064a || cp === 0x0643 || cp === 0x0649) c.arabicOnly++;
      // ٹ ڈ ڑ ں ے ھ
      if (
        cp === 0x0679 ||
        cp === 0x0688 ||
        cp === 0x0691 ||
        cp === 0x06ba ||
        cp === 0x06d2 ||
        cp === 0x06be
      )
        c.urduOnly++;
    } else if (cp >= 0x0590 && cp <= 0x05ff) c.hebrew++;
    else if (cp >= 0x0900 && cp <= 0x097f) c.devanagari++;
    else if (
      (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0x1100 && cp <= 0x11ff) ||
      (cp >= 0x3130 && cp <= 0x318f)
    )
      c.hangul++;
    else if (cp >= 0x3040 && cp <= 0x30ff) c.kana++;
    else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf)) c.han++;
    else if (cp >= 0x0e00 && cp <= 0x0e7f) c.thai++;
    else if (cp >= 0x0530 && cp <= 0x058f) c.armenian++;
    else if (cp >= 0x10a0 && cp <= 0x10ff) c.georgian++;
    else c.other++;
  }
  return c;
}

const SCRIPTS: DominantScript[] = [
  'latin',
  'greek',
  'cyrillic',
  'arabic',
  'hebrew',
  'devanagari',
  'hangul',
  'kana',
  'han',
  'thai',
  'armenian',
  'georgian',
  'other',
];

/** The script with the most letters and its share of all letters (0 when there are none). */
export function dominantScript(c: ScriptCounts): { script: DominantScript; share: number } {
  let best: DominantScript = 'other';
  let bestN = -1;
  for (const s of SCRIPTS) {
    if (c[s] > bestN) {
      best = s;
      bestN = c[s];
    }
  }
  return { script: best, share: c.letters === 0 ? 0 : bestN / c.letters };
}

const PERSIAN_WORDS = new Set([
  'است',
  'می',
  'این',
  'اين',
  'که',
  'را',
  'رو',
  'خیلی',
  'خيلي',
  'هست',
  'هستش',
  'ولی',
  'ولي',
  'های',
  'هاي',
  'بود',
  'شد',
  'دارد',
  'داره',
  'نیست',
  'نيست',
  'یه',
  'يه',
  'برای',
  'براي',
  'اگه',
  'از',
  'با',
  'در',
  'تو',
  'آن',
  'اون',
  'چه',
  'چون',
  'کرد',
  'کنید',
  'کنم',
  'ميشه',
  'میشه',
  'عالي',
  'عالی',
  'خوب',
  'خوبه',
  'بسيار',
  'بسیار',
  'واقعا',
  'گوشي',
  'گوشی',
  'باید',
  'بايد',
  'نه',
  'یک',
  'يک',
  'شده',
  'کنه',
  'داشت',
]);
const ARABIC_WORDS = new Set([
  'في',
  'على',
  'إلى',
  'الى',
  'هذا',
  'هذه',
  'التي',
  'الذي',
  'عن',
  'مع',
  'كان',
  'لم',
  'لن',
  'قد',
  'ان',
  'أن',
  'إن',
  'ما',
  'لا',
  'يا',
  'الله',
  'هو',
  'هي',
  'كل',
  'بعد',
  'كما',
  'أو',
  'او',
  'ولا',
  'انا',
  'أنا',
  'كيف',
  'لي',
  'له',
  'فى',
  'ذلك',
  'عند',
  'حتى',
  'اللي',
  'مش',
  'بس',
  'شو',
  'ليش',
  'والله',
]);

/**
 * Votes for Persian vs Arabic in an Arabic-script text. Letters alone are not enough: many
 * Persian texts are typed on Arabic keyboards (ي and ك for ی and ک), so frequent function words
 * and the Arabic article ال weigh in too. Returns raw vote totals.
 */
export function persianArabicVotes(text: string): { fa: number; ar: number } {
  let fa = 0;
  let ar = 0;
  for (const ch of text) {
    switch (ch) {
      case '\u067e': // پ
      case '\u0686': // چ
      case '\u0698': // ژ
      case '\u06af': // گ
        fa += 3;
        break;
      case '\u06cc': // ی
      case '\u06a9': // ک
        fa += 1;
        break;
      case '\u0629': // ة
        ar += 3;
        break;
      case '\u0649': // ى
        ar += 1;
        break;
      case '\u064a': // ي
      case '\u0643': // ك
        ar += 0.3;
        break;
    }
  }
  for (const w of text.split(/[^\p{L}\p{M}]+/u)) {
    if (w.length === 0) continue;
    if (PERSIAN_WORDS.has(w)) fa += 2;
    else if (ARABIC_WORDS.has(w)) ar += 2;
    else if (w.length > 3 && w.startsWith('ال')) ar += 1.5;
    else if (w.length > 4 && (w.startsWith('وال') || w.startsWith('بال'))) ar += 1.5;
    // Persian verb prefixes and the plural/ezafe suffixes.
    if (w.length > 3 && (w.startsWith('می') || w.startsWith('مي')) && !w.startsWith('ميل')) fa += 1;
    if (w.endsWith('ها') && w.length > 3) fa += 0.5;
  }
  return { fa, ar };
}
