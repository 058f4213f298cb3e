/**
 * Romanised Hindi → Devanagari, by rule (no data). The hypothesis it tests
 * (scripts/hindi-devanagari-sentiment.ts): the accurate tier's encoder (multilingual-e5-small)
 * learned Hindi from Devanagari text and barely knows its Latin spelling ("bahut bura laga" is
 * three rare fragments to it, "बहुत बुरा लगा" three common words), so encoding a romanised Hindi
 * text in Devanagari should give the heads more to read. Measured on umsab_hi train, it did not
 * (docs/sentiment.md), so the runtime does not use it. English words of code-mixed text ("movie
 * bahut boring thi") stay as they are: the encoder knows them in Latin script.
 *
 * Hinglish spelling is loose and lossy (no vowel length, no retroflex/dental contrast, no
 * nasalisation mark), so this is a best reading, not a standard transliteration: t/d are read as
 * dental (त द, the more common), a final "a"/"i"/"u" after a consonant as long (मेरा, थी, तू), "n"
 * before a consonant as anusvara (अंदर), two consonants as a conjunct at the start or end of a
 * word or before y/r/v and when doubled (क्या, दोस्त, अच्छा) and as two syllables inside a word
 * otherwise (करना, सबसे: written Hindi deletes that schwa in speech, not in spelling). The most
 * common words, whose spelling the rules get wrong, are listed (EXCEPTIONS).
 */

/** Consonants, longest spelling first where one is a prefix of another. */
const CONSONANTS: ReadonlyArray<readonly [string, string]> = [
  ['chchh', 'च्छ'],
  ['chh', 'छ'],
  ['cch', 'च्छ'],
  ['ksh', 'क्ष'],
  ['kh', 'ख'],
  ['gh', 'घ'],
  ['ch', 'च'],
  ['jh', 'झ'],
  ['th', 'थ'],
  ['dh', 'ध'],
  ['ph', 'फ'],
  ['bh', 'भ'],
  ['sh', 'श'],
  ['k', 'क'],
  ['g', 'ग'],
  ['c', 'क'],
  ['j', 'ज'],
  ['t', 'त'],
  ['d', 'द'],
  ['n', 'न'],
  ['p', 'प'],
  ['b', 'ब'],
  ['m', 'म'],
  ['y', 'य'],
  ['r', 'र'],
  ['l', 'ल'],
  ['v', 'व'],
  ['w', 'व'],
  ['s', 'स'],
  ['h', 'ह'],
  ['z', 'ज़'],
  ['f', 'फ़'],
  ['q', 'क़'],
  ['x', 'क्स'],
];

/** Vowels: [spelling, independent letter, sign after a consonant], longest first. */
const VOWELS: ReadonlyArray<readonly [string, string, string]> = [
  ['aa', 'आ', 'ा'],
  ['ee', 'ई', 'ी'],
  ['ii', 'ई', 'ी'],
  ['oo', 'ऊ', 'ू'],
  ['uu', 'ऊ', 'ू'],
  ['ai', 'ऐ', 'ै'],
  ['au', 'औ', 'ौ'],
  ['ei', 'ए', 'े'],
  ['ou', 'औ', 'ौ'],
  ['a', 'अ', ''],
  ['e', 'ए', 'े'],
  ['i', 'इ', 'ि'],
  ['o', 'ओ', 'ो'],
  ['u', 'उ', 'ु'],
];

/** Word-final short vowel signs read long: "mera" मेरा, "thi" थी, "tu" तू. */
const FINAL_LONG: Readonly<Record<string, string>> = { '': 'ा', 'ि': 'ी', 'ु': 'ू' };

const VIRAMA = '्';
const ANUSVARA = 'ं';
/** Second consonants that form a conjunct inside a word (क्या, प्रेम, द्वार). */
const CONJUNCT_SECOND: ReadonlySet<string> = new Set(['य', 'र', 'व']);

/**
 * Frequent words the rules misread (nasalisation, "ai" as आई, "ch" as छ, short final vowels),
 * spelled as written Hindi has them.
 */
export const EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['hai', 'है'],
  ['hain', 'हैं'],
  ['he', 'है'],
  ['nahi', 'नहीं'],
  ['nahin', 'नहीं'],
  ['nhi', 'नहीं'],
  ['nai', 'नहीं'],
  ['mein', 'में'],
  ['mei', 'में'],
  ['me', 'में'],
  ['main', 'मैं'],
  ['mai', 'मैं'],
  ['hum', 'हम'],
  ['tum', 'तुम'],
  ['bhai', 'भाई'],
  ['kya', 'क्या'],
  ['kyu', 'क्यों'],
  ['kyun', 'क्यों'],
  ['kyon', 'क्यों'],
  ['aur', 'और'],
  ['or', 'और'],
  ['bhi', 'भी'],
  ['ko', 'को'],
  ['ka', 'का'],
  ['ki', 'की'],
  ['ke', 'के'],
  ['se', 'से'],
  ['ye', 'ये'],
  ['yeh', 'यह'],
  ['wo', 'वो'],
  ['woh', 'वह'],
  ['to', 'तो'],
  ['toh', 'तो'],
  ['hi', 'ही'],
  ['ho', 'हो'],
  ['hu', 'हूँ'],
  ['hoon', 'हूँ'],
  ['hun', 'हूँ'],
  ['na', 'ना'],
  ['ne', 'ने'],
  ['par', 'पर'],
  ['pe', 'पे'],
  ['kuch', 'कुछ'],
  ['kuchh', 'कुछ'],
  ['sab', 'सब'],
  ['ek', 'एक'],
  ['acha', 'अच्छा'],
  ['accha', 'अच्छा'],
  ['achha', 'अच्छा'],
  ['achchha', 'अच्छा'],
  ['acchi', 'अच्छी'],
  ['achhi', 'अच्छी'],
  ['achi', 'अच्छी'],
  ['bahut', 'बहुत'],
  ['bohot', 'बहुत'],
  ['bahot', 'बहुत'],
  ['bht', 'बहुत'],
  ['bhut', 'बहुत'],
  ['pyar', 'प्यार'],
  ['pyaar', 'प्यार'],
  ['dil', 'दिल'],
  ['din', 'दिन'],
  ['kal', 'कल'],
  ['aaj', 'आज'],
  ['abhi', 'अभी'],
  ['sahi', 'सही'],
  ['galat', 'ग़लत'],
  ['kr', 'कर'],
  ['rha', 'रहा'],
  ['rhe', 'रहे'],
  ['rhi', 'रही'],
  ['gya', 'गया'],
  ['gyi', 'गई'],
  ['gayi', 'गई'],
  ['gye', 'गए'],
  ['gaye', 'गए'],
  ['diya', 'दिया'],
  ['kiya', 'किया'],
  ['liye', 'लिए'],
  ['lie', 'लिए'],
  ['aap', 'आप'],
  ['ap', 'आप'],
  ['ji', 'जी'],
  ['log', 'लोग'],
  ['desh', 'देश'],
  ['yaar', 'यार'],
  ['yar', 'यार'],
  ['mujhe', 'मुझे'],
  ['muje', 'मुझे'],
  ['tujhe', 'तुझे'],
  ['bura', 'बुरा'],
  ['buri', 'बुरी'],
  ['khush', 'ख़ुश'],
  ['zindagi', 'ज़िंदगी'],
  ['jindagi', 'ज़िंदगी'],
  ['thik', 'ठीक'],
  ['theek', 'ठीक'],
  ['bakwas', 'बकवास'],
  ['bekar', 'बेकार'],
  ['badhiya', 'बढ़िया'],
  ['badiya', 'बढ़िया'],
  ['mast', 'मस्त'],
  ['bada', 'बड़ा'],
  ['bade', 'बड़े'],
  ['badi', 'बड़ी'],
  ['chota', 'छोटा'],
  ['chhota', 'छोटा'],
  ['ladki', 'लड़की'],
  ['ladka', 'लड़का'],
  ['padh', 'पढ़'],
  ['paisa', 'पैसा'],
  ['paise', 'पैसे'],
  ['sirf', 'सिर्फ़'],
  ['phir', 'फिर'],
  ['fir', 'फिर'],
  ['kabhi', 'कभी'],
  ['sath', 'साथ'],
  ['saath', 'साथ'],
  ['baat', 'बात'],
  ['bat', 'बात'],
  ['kaam', 'काम'],
  ['kam', 'कम'],
  ['ghar', 'घर'],
  ['mat', 'मत'],
  ['jab', 'जब'],
  ['tab', 'तब'],
  ['ab', 'अब'],
  ['sabse', 'सबसे'],
  ['apna', 'अपना'],
  ['apni', 'अपनी'],
  ['apne', 'अपने'],
  ['karna', 'करना'],
  ['karne', 'करने'],
  ['chahiye', 'चाहिए'],
  ['dekho', 'देखो'],
  ['hamesha', 'हमेशा'],
  ['sach', 'सच'],
  ['jhoot', 'झूठ'],
  ['dukh', 'दुख'],
  ['khushi', 'ख़ुशी'],
  ['dost', 'दोस्त'],
  ['dosto', 'दोस्तो'],
  ['shukriya', 'शुक्रिया'],
  ['mubarak', 'मुबारक'],
  ['bilkul', 'बिलकुल'],
  ['matlab', 'मतलब'],
  ['sarkar', 'सरकार'],
  ['jeet', 'जीत'],
  ['haar', 'हार'],
  ['maza', 'मज़ा'],
  ['mazaa', 'मज़ा'],
  ['maja', 'मज़ा'],
]);

const LATIN_WORD = /^[a-z]+$/;

/**
 * One Latin-script word in Devanagari (lower-cased; runs of three or more of a letter read as
 * one: "bahuttt"); a word with anything but a-z is returned unchanged.
 */
export function wordToDevanagari(word: string): string {
  const w = word.toLowerCase().replace(/([a-z])\1{2,}/g, '$1');
  if (!LATIN_WORD.test(w)) return word;
  const known = EXCEPTIONS.get(w);
  if (known !== undefined) return known;
  let out = '';
  // The last unit written: a consonant (its inherent "a" still open), a vowel, or nothing.
  let last: 'consonant' | 'vowel' | 'none' = 'none';
  let vowelSeen = false;
  let i = 0;
  while (i < w.length) {
    const c = CONSONANTS.find(([s]) => w.startsWith(s, i));
    if (c !== undefined) {
      const [spelling, letter] = c;
      const next = i + spelling.length;
      const atEnd = next >= w.length;
      const beforeConsonant = !atEnd && VOWELS.every(([s]) => !w.startsWith(s, next));
      // "n" between a vowel and a consonant: the nasal, written as anusvara (अंदर, संबंध).
      if (spelling === 'n' && last === 'vowel' && beforeConsonant && !'yhrv'.includes(w[next]!)) {
        out += ANUSVARA;
        i = next;
        continue;
      }
      // Two consonants with no vowel between: a conjunct at the word's start or end, before
      // y/r/v and when doubled; inside a word otherwise, two syllables (करना, not कर्ना).
      if (
        last === 'consonant' &&
        (!vowelSeen || atEnd || CONJUNCT_SECOND.has(letter) || w[i] === w[i - 1])
      ) {
        out += VIRAMA;
      }
      out += letter;
      last = 'consonant';
      i = next;
      continue;
    }
    const v = VOWELS.find(([s]) => w.startsWith(s, i))!;
    const [spelling, independent, sign] = v;
    const atEnd = i + spelling.length >= w.length;
    // A final "a" after a vowel is long too ("hua" हुआ, "gaya"'s kin "kiya" aside).
    out +=
      last === 'consonant'
        ? atEnd
          ? (FINAL_LONG[sign] ?? sign)
          : sign
        : last === 'vowel' && atEnd && spelling === 'a'
          ? 'आ'
          : independent;
    last = 'vowel';
    vowelSeen = true;
    i += spelling.length;
  }
  return out;
}

/** URLs, @mentions and #hashtags (kept as written), and Latin words. */
const PIECES = /(?:https?:\/\/|www\.)\S+|[@#][\p{L}\p{N}_]+|[A-Za-z]+/gu;

/**
 * A text with its Hindi words in Devanagari: every Latin word except those `english` contains
 * (lower-cased; a Hindi grammar or common word from `hindi` is converted even where it is English
 * too, "the" → थे); URLs, mentions, hashtags, numbers, emoji and punctuation unchanged.
 */
export function hinglishToDevanagari(
  text: string,
  english: ReadonlySet<string>,
  hindi: ReadonlySet<string> = new Set(),
): string {
  return text.replace(PIECES, (m) => {
    if (m.length < 2) return m;
    const c = m.charCodeAt(0);
    if (c === 0x40 || c === 0x23 || m.includes('/') || m.startsWith('www.')) return m;
    const lower = m.toLowerCase();
    if (english.has(lower) && !hindi.has(lower)) return m;
    return wordToDevanagari(lower);
  });
}
