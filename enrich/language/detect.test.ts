import { describe, expect, it } from 'vitest';
import {
  cleanForDetection,
  detectLanguage,
  likelyLanguage,
  normalizeHint,
  scoringLanguage,
} from './detect.ts';

describe('detectLanguage', () => {
  it.each([
    ['en', 'I really love the new update, the battery lasts all day now'],
    ['de', 'Das neue Update ist wirklich gut, aber der Akku hält nicht lange'],
    ['es', 'La verdad es que el servicio fue excelente y volveré pronto'],
    ['fr', 'Je ne suis pas du tout content de ce téléphone, il chauffe beaucoup'],
    ['it', 'Non mi è piaciuto per niente il film di ieri sera, troppo lungo'],
    ['pt', 'Eu não gostei do atendimento, demoraram muito para responder'],
    ['sl', 'Danes je res lep dan, gremo na sprehod ob jezeru'],
    ['el', 'Καλημέρα σε όλους, σήμερα είναι μια υπέροχη μέρα'],
    ['fa', 'این گوشی واقعا عالی است و باتری خوبی دارد'],
    ['ar', 'هذا الهاتف رائع جدا والبطارية ممتازة'],
    ['ru', 'Сегодня отличная погода, пойдём гулять в парк'],
    ['ja', 'このカメラはとても良いです'],
    ['ko', '오늘 날씨가 정말 좋네요'],
    ['he', 'היום יום יפה מאוד'],
  ])('detects %s', (lang, text) => {
    const g = detectLanguage(text);
    expect(g.lang).toBe(lang);
    expect(g.confidence).toBeGreaterThan(0.4);
    expect(g.confidence).toBeLessThanOrEqual(1);
  });

  it('uses script fast paths for Greek, Persian and Arabic', () => {
    expect(detectLanguage('Καλή χρονιά!').method).toBe('script');
    expect(detectLanguage('گوشی خوبیه').method).toBe('script');
    expect(detectLanguage('هذه السيارة جميلة').method).toBe('script');
  });

  it('tells Persian typed on an Arabic keyboard (ي, ك) from Arabic by its words', () => {
    expect(detectLanguage('من لب تاب رو خريدم و بسيار راضيم.').lang).toBe('fa');
    expect(detectLanguage('ولي واقعا تبلت فوق العاده ايه و خيلي خوبه').lang).toBe('fa');
  });

  it('reads Arabic presentation forms', () => {
    expect(detectLanguage('ﺍﻵﻥ ﻳﻨﻬﺾ ﺗﺤﺪﻱ ﺇﻳﺮﺍﻥ، ﻭﻓﻴﻤﺎ ﻛﺎﻥ ﺍﻟﻄﺒﻴﻌﻲ ﺃﻥ ﺗﻘﻮﺩ ﻣﺼﺮ').lang).toBe('ar');
  });

  it('is not fooled by Latin hashtags and names in a Greek post', () => {
    expect(detectLanguage('Παει παει #COSvsGRE #wc14gr').lang).toBe('el');
    expect(
      detectLanguage('Βλέπω Neuer, Mbolhi, Enyama, Ochoa κτλ και νιώθω πολύ άσχημα').lang,
    ).toBe('el');
  });

  it.each([[''], ['   '], ['😀😀😀'], ['ok'], ['@user http'], ['123 456 !!!']])(
    'returns und for %j',
    (text) => {
      const g = detectLanguage(text);
      expect(g).toEqual({ lang: 'und', confidence: 0, method: 'short' });
    },
  );

  it('uses the hint when the text is too short to decide', () => {
    expect(detectLanguage('super', 'de')).toMatchObject({ lang: 'de', method: 'hint' });
    expect(detectLanguage('ok', 'pt-BR')).toMatchObject({ lang: 'pt', method: 'hint' });
  });

  it('never follows a hint the script contradicts', () => {
    expect(detectLanguage('Καλημέρα σε όλους', 'en').lang).toBe('el');
    expect(detectLanguage('این گوشی واقعا عالی است', 'en').lang).toBe('fa');
  });

  it('does not follow a hint the model clearly rejects', () => {
    const g = detectLanguage('I really love the new update, the battery lasts all day now', 'de');
    expect(g.lang).toBe('en');
  });

  it('a confirming hint raises confidence', () => {
    const t = 'Ne vem kaj bi rekel o tem, ampak je kar dobro';
    expect(detectLanguage(t, 'sl').confidence).toBeGreaterThanOrEqual(detectLanguage(t).confidence);
  });

  it('handles very long text', () => {
    const g = detectLanguage('Das ist ein sehr langer Text über das Wetter. '.repeat(2000));
    expect(g.lang).toBe('de');
  });

  it('a close call between Slovenian and Croatian goes to Slovenian, a clear one stays Croatian', () => {
    // eld alone reads both Slovenian tweets as Croatian.
    expect(detectLanguage('Kako je mali Agito dobil posel za velikanski savdski Aramco').lang).toBe(
      'sl',
    );
    expect(detectLanguage('Prodaja se nas ELAN, a je to #pravaideja?').lang).toBe('sl');
    expect(detectLanguage('Svatko ima pravo na život, slobodu i osobnu sigurnost.').lang).toBe(
      'hr',
    );
    expect(detectLanguage('Ovo je stvarno dobar proizvod, preporučujem svima.').lang).toBe('hr');
  });

  it('mixed language: the majority language wins', () => {
    expect(detectLanguage('Heute war ein guter Tag in Berlin, alles super, thanks').lang).toBe(
      'de',
    );
  });
});

describe('likelyLanguage', () => {
  it('guesses where detectLanguage says und, for scoring, and null without letters', () => {
    expect(detectLanguage('I love it').lang).toBe('und');
    expect(likelyLanguage('I love it')).toBe('en');
    expect(likelyLanguage('Odlično!')).toBe('sl');
    expect(likelyLanguage('καλό')).toBe('el');
    expect(likelyLanguage('🎉 123 http://x.y')).toBeNull();
  });
  it('scoringLanguage keeps a detected language and guesses only for und', () => {
    expect(scoringLanguage('I love it', detectLanguage('I love it'))).toBe('en');
    expect(scoringLanguage('Muy malo', detectLanguage('Muy malo'))).toBe('es');
    const german = 'Das neue Update ist wirklich gut';
    expect(scoringLanguage(german, detectLanguage(german))).toBe('de');
    expect(scoringLanguage('🎉', detectLanguage('🎉'))).toBe('und');
  });
});

describe('normalizeHint', () => {
  it.each([
    ['pt-BR', 'pt'],
    ['EN', 'en'],
    ['en_US', 'en'],
    ['und', null],
    ['', null],
    ['12', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (hint, expected) => {
    expect(normalizeHint(hint)).toBe(expected);
  });
});

describe('cleanForDetection', () => {
  it('removes links, handles and placeholders but keeps hashtag words', () => {
    expect(cleanForDetection('RT @user so good http://x.co/a #BestDay @someone')).toBe(
      'so good BestDay',
    );
  });
  it('can drop hashtags entirely', () => {
    expect(cleanForDetection('so good #BestDay', false)).toBe('so good');
  });
});
