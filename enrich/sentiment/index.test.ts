import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SentimentSchema } from '../../core/contracts/mention.ts';
import {
  DEFAULT_MODEL_DIR,
  MAX_EXPLANATION_ITEMS,
  createScorer,
  loadSentimentScorer,
  mergeExplanation,
} from './index.ts';

const scorer = loadSentimentScorer();
const label = (text: string, lang: string): string => scorer.score(text, lang).label;

describe('loadSentimentScorer', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'earshot-sent-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('names the model', () => {
    expect(scorer.model.name).toBe('earshot-sentiment');
    expect(scorer.model.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(createScorer(DEFAULT_MODEL_DIR, { useModel: false }).model.version).toMatch(/\+rules$/);
  });

  it('corrupt trained weights are caught by their checksum, naming the file', () => {
    const dir = join(tmp, 'bin');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    const bin = join(dir, 'linear.bin');
    const bytes = readFileSync(bin);
    bytes[1234] = bytes[1234]! ^ 0xff;
    writeFileSync(bin, bytes);
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(/corrupt.*linear\.bin/);
  });

  it('missing trained weights are a clear error naming the file', () => {
    const dir = join(tmp, 'nobin');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    rmSync(join(dir, 'linear.bin'));
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(
      /missing or unreadable: .*linear\.bin/,
    );
  });

  it('missing or corrupt word vectors are a clear error naming the file', () => {
    const dir = join(tmp, 'wv');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      linear: { heads: Record<string, number[]>; embeddings?: { file: string } };
    };
    // The committed model uses them (a head for at least one language).
    expect(Object.keys(manifest.linear.heads).length).toBeGreaterThan(0);
    const file = join(dir, manifest.linear.embeddings!.file);
    const bytes = readFileSync(file);
    bytes[100_000] = bytes[100_000]! ^ 0xff;
    writeFileSync(file, bytes);
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(/corrupt.*embeddings\.bin/);
    rmSync(file);
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(
      /missing or unreadable: .*embeddings\.bin/,
    );
  });

  it('a manifest with heads but no word-vector file is a clear error', () => {
    const dir = join(tmp, 'wv-manifest');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
      linear: { embeddings?: unknown };
    };
    delete manifest.linear.embeddings;
    writeFileSync(path, JSON.stringify(manifest));
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(/heads but no embeddings file/);
  });

  it('a missing directory is a clear error naming the file', () => {
    const dir = join(tmp, 'nope');
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(join(dir, 'manifest.json'));
  });

  it('a missing lexicon file is a clear error naming it', () => {
    const dir = join(tmp, 'missing');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    rmSync(join(dir, 'emoji.json'));
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(
      /missing or unreadable: .*emoji\.json/,
    );
  });

  it('a corrupt file is a clear error naming it', () => {
    const dir = join(tmp, 'corrupt');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'lexicons.json'), '{"en": {"good": 3,');
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(/not valid JSON.*lexicons\.json/);
  });

  it('a file of the wrong shape is a clear error naming it', () => {
    const dir = join(tmp, 'shape');
    cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'emoticons.json'), '{":)": "happy"}');
    expect(() => loadSentimentScorer({ modelDir: dir })).toThrow(
      /unexpected shape.*emoticons\.json/,
    );
  });
});

// Table-driven: [lang, text, expected label]
const CASES: Array<[string, string, 'pos' | 'neg' | 'neu']> = [
  // plain polarity
  ['en', 'I love this phone, it is great', 'pos'],
  ['en', 'This is the worst service ever, terrible', 'neg'],
  ['en', 'The meeting is at 5pm in room 4', 'neu'],
  ['de', 'Das ist wirklich toll, ich liebe es', 'pos'],
  ['de', 'Das ist schrecklich und enttäuschend', 'neg'],
  ['el', 'Είναι υπέροχο, μου αρέσει πολύ', 'pos'],
  ['el', 'Αυτό είναι απαίσιο και θλιβερό', 'neg'],
  ['sl', 'To je odlično, hvala', 'pos'],
  ['sl', 'To je grozno in žalostno', 'neg'],
  ['fa', 'این گوشی عالی است', 'pos'],
  ['fa', 'از این گوشی متنفرم، خیلی بده', 'neg'],
  ['es', 'Me encanta, es excelente', 'pos'],
  ['es', 'Es horrible y triste', 'neg'],
  ['fr', "C'est magnifique, j'adore", 'pos'],
  ['fr', "C'est horrible et triste", 'neg'],
  ['it', 'È fantastico, lo adoro', 'pos'],
  ['it', 'È orribile e triste', 'neg'],
  ['pt', 'É excelente, eu amo', 'pos'],
  ['pt', 'É horrível e triste', 'neg'],
  ['ar', 'هذا رائع وممتاز', 'pos'],
  ['ar', 'هذا سيء وفظيع', 'neg'],
  // negation
  ['en', 'This is not good', 'neg'],
  ['en', "I don't like it, it's bad", 'neg'],
  ['de', 'Das ist nicht gut', 'neg'],
  ['es', 'No es bueno', 'neg'],
  ['fr', "Ce n'est pas bon", 'neg'],
  ['it', 'Non è bello', 'neg'],
  ['pt', 'Não é bom', 'neg'],
  ['sl', 'Ni dobro', 'neg'],
  ['el', 'Δεν είναι καλό', 'neg'],
  // Greek adjectives in forms the lexicon lacks (it has the masculine)
  ['el', 'Η κάμερα του Nimbus είναι καταπληκτική', 'pos'],
  ['el', 'Χειρότερη κάμερα που είχα ποτέ', 'neg'],
  // "nulle" is "rubbish" here, not a negator that would flip "déçu"
  ['fr', 'La caméra est nulle, très déçu 😡', 'neg'],
  // emoji only / emoticons
  ['und', '😍😍😍', 'pos'],
  ['und', '😡😡', 'neg'],
  ['en', ':)', 'pos'],
  ['en', ':(', 'neg'],
  // contrast: the clause after "but" wins
  ['en', 'The food was good but the service was terrible', 'neg'],
  ['de', 'Das Essen war gut, aber der Service war schrecklich', 'neg'],
  ['el', 'Το φαγητό ήταν καλό αλλά η εξυπηρέτηση απαίσια', 'neg'],
  ['sl', 'Hrana je bila dobra, ampak postrežba grozna', 'neg'],
  ['fa', 'غذا خوب بود اما خدمات افتضاح بود', 'neg'],
  ['es', 'La comida estaba buena pero el servicio fue horrible', 'neg'],
  // everyday positives, negatives and neutrals per language
  ['en', 'I am so happy today, thank you all!', 'pos'],
  ['de', 'Ich bin so glücklich, danke!', 'pos'],
  ['el', 'Είμαι πολύ χαρούμενος, ευχαριστώ!', 'pos'],
  ['sl', 'Hvala, res sem vesel!', 'pos'],
  ['fa', 'خیلی ممنون، عالی بود', 'pos'],
  ['es', '¡Muchas gracias, estoy muy feliz!', 'pos'],
  ['fr', 'Merci beaucoup, je suis très content !', 'pos'],
  ['it', 'Grazie mille, sono felicissimo!', 'pos'],
  ['pt', 'Muito obrigado, estou muito feliz!', 'pos'],
  ['ar', 'شكرا جزيلا، أنا سعيد جدا', 'pos'],
  ['en', 'I hate this, worst day ever', 'neg'],
  ['de', 'Ich hasse das, schlimmster Tag', 'neg'],
  ['el', 'Μισώ αυτή τη μέρα, χάλια', 'neg'],
  ['sl', 'Sovražim ta dan, grozno', 'neg'],
  ['es', 'Odio esto, el peor día', 'neg'],
  ['fr', 'Je déteste ça, pire journée', 'neg'],
  ['it', 'Odio tutto questo, giornata pessima', 'neg'],
  ['pt', 'Odeio isso, pior dia', 'neg'],
  ['ar', 'أكره هذا، أسوأ يوم', 'neg'],
  ['de', 'Das Treffen ist um 17 Uhr in Raum 4', 'neu'],
  ['es', 'La reunión es a las 5 en la sala 4', 'neu'],
  ['fr', 'La réunion est à 17h dans la salle 4', 'neu'],
  ['it', 'La riunione è alle 17 nella sala 4', 'neu'],
  ['pt', 'A reunião é às 17h na sala 4', 'neu'],
  ['ar', 'الاجتماع الساعة الخامسة في الغرفة 4', 'neu'],
  ['fa', 'جلسه ساعت پنج در اتاق چهار است', 'neu'],
  // mixed language: scored in the detected language, English words inside still read
  ['de', 'Das neue Update ist einfach super, love it', 'pos'],
  ['es', 'El concierto fue horrible, worst night ever', 'neg'],
  // sarcasm markers keep marked "praise" from counting as praise
  ['en', 'Great, another Monday #sarcasm', 'neg'],
  ['en', 'Oh wonderful, the train is late again 🙄', 'neg'],
];

describe('score: table', () => {
  it.each(CASES)('%s: %s → %s', (lang, text, expected) => {
    const s = scorer.score(text, lang);
    expect(SentimentSchema.parse(s)).toEqual(s);
    expect(s.label).toBe(expected);
  });
});

describe('score: the trained model', () => {
  it('returns calibrated class probabilities: confidence is the top one, score is P(pos) − P(neg)', () => {
    const s = scorer.score('I love this phone, it is great', 'en');
    expect(s.confidence).toBeGreaterThan(0.34);
    expect(s.confidence).toBeLessThanOrEqual(1);
    // The model's own words join the explanation (content words the label's way: explain.ts).
    const m = scorer.score('The battery on my phone is amazing', 'en');
    expect(m.explanation.some((e) => e.kind === 'model' && e.text === 'battery')).toBe(true);
  });
  it('negation moves the score down in every language', () => {
    const pairs: Array<[string, string, string]> = [
      ['en', 'it is good', 'it is not good'],
      ['de', 'es ist gut', 'es ist nicht gut'],
      ['el', 'είναι καλό', 'δεν είναι καλό'],
      ['sl', 'je dobro', 'ni dobro'],
      ['fa', 'خوب است', 'خوب نیست'],
      ['es', 'es bueno', 'no es bueno'],
      ['fr', "c'est bon", "ce n'est pas bon"],
      ['it', 'è bello', 'non è bello'],
      ['pt', 'é bom', 'não é bom'],
      ['ar', 'هذا جيد', 'هذا ليس جيد'],
    ];
    for (const [lang, plain, negated] of pairs) {
      expect(scorer.score(negated, lang).score, `${lang}: ${negated}`).toBeLessThan(
        scorer.score(plain, lang).score,
      );
    }
  });
});

describe('score: explanation', () => {
  it('points at the words with UTF-16 offsets', () => {
    const text = 'The 🍕 was not good 😡';
    const s = scorer.score(text, 'en');
    expect(s.explanation.length).toBeGreaterThan(0);
    for (const e of s.explanation) {
      if (e.start === null || e.end === null) continue;
      expect(text.slice(e.start, e.end)).toBe(e.text);
    }
    expect(s.explanation.map((e) => e.kind)).toEqual(expect.arrayContaining(['negated', 'emoji']));
  });

  it('has one item per span, the strongest few, no near-zero weights, in text order', () => {
    const texts: Array<[string, string]> = [
      ['I really love this phone, the camera is great but the battery is awful 😡 !!!', 'en'],
      ['No me gusta nada, es muy malo y la verdad es una pena, pero el precio está bien', 'es'],
      ['Não gostei do filme, muito chato, mas a música é linda ❤️', 'pt'],
      ['good bad great awful '.repeat(5000), 'en'],
    ];
    for (const [text, lang] of texts) {
      const ex = scorer.score(text, lang).explanation;
      expect(ex.length, text).toBeGreaterThan(0);
      expect(ex.length, text).toBeLessThanOrEqual(MAX_EXPLANATION_ITEMS);
      const spans = ex.filter((e) => e.start !== null).map((e) => `${e.start}:${e.end}`);
      expect(new Set(spans).size, text).toBe(spans.length);
      for (const e of ex) {
        expect(Math.abs(e.weight), e.text).toBeGreaterThanOrEqual(0.05);
        if (e.start !== null && e.end !== null) expect(text.slice(e.start, e.end)).toBe(e.text);
      }
      const starts = ex.map((e) => e.start ?? Infinity);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    }
  });

  it('merges the lexicon and model contributions of a span into one weight', () => {
    const rule = [
      { text: 'love', start: 2, end: 6, weight: 3.2, kind: 'lexicon' },
      { text: 'me gusta', start: 10, end: 18, weight: -1.2, kind: 'negated' },
      { text: 'very', start: 20, end: 24, weight: 0.3, kind: 'intensifier' },
      { text: 'very', start: 20, end: 24, weight: 0.2, kind: 'intensifier' },
      { text: 'not', start: 30, end: 33, weight: 0, kind: 'negation' },
      { text: 'but', start: 40, end: 43, weight: 0, kind: 'contrast' },
    ];
    const model = [
      { text: 'love', start: 2, end: 6, weight: 0.5, kind: 'model' },
      { text: 'gusta', start: 13, end: 18, weight: -0.4, kind: 'model' },
      { text: 'not', start: 30, end: 33, weight: -1.1, kind: 'model' },
      { text: 'the', start: 35, end: 38, weight: 0.01, kind: 'model' },
      { text: 'x', start: 50, end: 51, weight: 0.3, kind: 'model' },
    ];
    expect(mergeExplanation(rule, model)).toEqual([
      { text: 'love', start: 2, end: 6, weight: 1.3, kind: 'lexicon' },
      { text: 'me gusta', start: 10, end: 18, weight: -0.7, kind: 'negated' },
      { text: 'very', start: 20, end: 24, weight: 0.125, kind: 'intensifier' },
      { text: 'not', start: 30, end: 33, weight: -1.1, kind: 'negation' },
      { text: 'x', start: 50, end: 51, weight: 0.3, kind: 'model' },
    ]);
  });

  it('keeps only the strongest items when there are many', () => {
    const model = Array.from({ length: 20 }, (_, i) => ({
      text: 'w',
      start: i * 2,
      end: i * 2 + 1,
      weight: (i % 2 === 0 ? 1 : -1) * (i + 1) * 0.1,
      kind: 'model',
    }));
    const out = mergeExplanation([], model);
    expect(out).toHaveLength(MAX_EXPLANATION_ITEMS);
    expect(Math.min(...out.map((e) => Math.abs(e.weight)))).toBeCloseTo(1.3, 6);
  });
});

describe('score: short texts with a strong one-sided rule signal', () => {
  it.each([
    ['it', 'Non è buono', 'neg'],
    ['fa', 'این گوشی افتضاح است', 'neg'],
    ['pt', 'Não gostei', 'neg'],
    ['es', 'No me gusta nada', 'neg'],
  ])('%s: %s → %s', (lang, text, expected) => {
    expect(scorer.score(text, lang).label).toBe(expected);
  });
});

describe('score: neutral where the training data has none (Slovenian)', () => {
  it('can call a plain factual Slovenian text neutral', () => {
    const factual = [
      'Vlada je danes sprejela predlog zakona o davkih.',
      'Seja občinskega sveta bo v torek ob 17. uri v dvorani 4.',
      'Tekma se začne ob osmih zvečer.',
    ];
    expect(factual.map((t) => label(t, 'sl'))).toContain('neu');
  });

  it('leaves clearly polar Slovenian texts polar, with little neutral mass', () => {
    for (const t of ['To je odlično, hvala', 'To je grozno in žalostno', 'Hvala, res sem vesel!']) {
      const s = scorer.score(t, 'sl');
      expect(s.label).not.toBe('neu');
      // P(neu) = 1 − P(pos) − P(neg) ≤ 1 − |P(pos) − P(neg)| = 1 − |score|.
      expect(1 - Math.abs(s.score)).toBeLessThan(0.15);
    }
  });
});

describe('score: unscored path', () => {
  it('an unsupported language is unscored, never a silent neutral', () => {
    const s = scorer.score('Это просто ужасно', 'ru');
    expect(s).toMatchObject({ label: 'unscored', score: 0, confidence: 0, explanation: [] });
  });
  it('undetermined text without emoji is unscored', () => {
    expect(label('ok', 'und')).toBe('unscored');
    expect(label('', 'und')).toBe('unscored');
  });
  it('empty text in a supported language is neutral', () => {
    expect(label('', 'en')).toBe('neu');
  });
  it('region subtags use the base language', () => {
    expect(label('É excelente, eu amo', 'pt-BR')).toBe('pos');
  });
});

describe('score: romanised Hindi', () => {
  it('is scored by the Hindi model whatever language the detector guessed', () => {
    // Language ID calls Hinglish English, Tagalog, Slovenian…: the scorer reads it as Hindi.
    for (const lang of ['en', 'tl', 'und']) {
      expect(label('yeh movie bahut bekar hai yaar', lang), lang).toBe('neg');
      expect(label('kya mast gaana hai, bahut badhiya', lang), lang).toBe('pos');
    }
  });
  it('is scored by the Hindi model where the detector named a language we score', () => {
    // umsab_hi: 231 of 1,831 train texts are detected as Slovenian, Italian, French…
    const text = 'bhaiyo aman ki baat mein mat aana ye bjp ko badnam karne ki sajish hai';
    const hindi = scorer.score(text, 'hi');
    for (const lang of ['sl', 'it', 'fr']) expect(scorer.score(text, lang), lang).toEqual(hindi);
    expect(scorer.score('Danes je lep dan, res sem vesel', 'sl')).not.toEqual(
      scorer.score('Danes je lep dan, res sem vesel', 'hi'),
    );
  });
  it('leaves English and the languages we score alone', () => {
    const en = scorer.score('Hi there, the new phone is great', 'en');
    const asHindi = createScorer(DEFAULT_MODEL_DIR, { useModel: true }).score(
      'Hi there, the new phone is great',
      'hi',
    );
    expect(en.label).toBe('pos');
    expect(en.score).not.toBe(asHindi.score);
  });
});

describe('emotion', () => {
  it('is null where not supported honestly', () => {
    expect(scorer.emotion('I am so angry', 'ru')).toBeNull();
  });
});
