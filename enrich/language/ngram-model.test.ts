import { eld } from 'eld/medium';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  PACKED_DB_PATH,
  decodePackedDb,
  newScores,
  ngramModel,
  ngramModelSource,
} from './ngram-model.ts';

const TEXTS = [
  'I really love the new update, the battery lasts all day now',
  'Das neue Update ist wirklich gut, aber der Akku hält nicht lange',
  'La verdad es que el servicio fue excelente y volveré pronto',
  'Je ne suis pas du tout content de ce téléphone, il chauffe beaucoup',
  'Non mi è piaciuto per niente il film di ieri sera, troppo lungo',
  'Eu não gostei do atendimento, demoraram muito para responder',
  'Danes je res lep dan, gremo na sprehod ob jezeru',
  'Kako je mali Agito dobil posel za velikanski savdski Aramco',
  'Сегодня отличная погода, пойдём гулять в парк',
  'Dit is een heel mooie dag om te fietsen',
  'Bugün hava çok güzel, parka gidelim',
  'Dzisiaj jest piękny dzień na spacer',
  'Supercalifragilisticexpialidociouslylongwordthatkeepsgoingandgoingandgoingforeverandeverandevermore yes',
  '@user جستن بيبر ههههههههههههههههههههههههههههههههههههههههههههههههههه مدري',
  'Σήμερα είναι μια υπέροχη μέρα για βόλτα στη θάλασσα',
  'love love love love it it it, so so good good',
  'x'.repeat(500),
  'ok',
  '',
];

describe('packed n-gram model', () => {
  it('loads the packed copy of eld’s database', () => {
    expect(ngramModelSource).toBe('packed');
    expect(ngramModel.languages).toContain('sl');
  });

  it('a truncated or foreign file is a clear error naming it', () => {
    const bytes = readFileSync(PACKED_DB_PATH);
    expect(() => decodePackedDb(bytes.subarray(0, bytes.length - 10), PACKED_DB_PATH)).toThrow(
      /corrupt.*eld-medium\.bin/,
    );
    expect(() => decodePackedDb(Buffer.from('not a model at all, sorry'), 'x.bin')).toThrow(
      /bad magic/,
    );
  });

  it.each(TEXTS)('scores exactly like eld: %j', (text) => {
    const ours = newScores();
    ngramModel.score(text, ours);
    const ref = eld.detect(text);
    const refScores = ref.getScores();
    let best = -1;
    for (let i = 0; i < ours.raw.length; i++)
      if (ours.raw[i]! > 0 && (best < 0 || ours.raw[i]! > ours.raw[best]!)) best = i;
    expect(best < 0 ? '' : ngramModel.languages[best]).toBe(ref.language);
    for (const [lang, s] of Object.entries(refScores)) {
      const i = ngramModel.languages.indexOf(lang);
      expect(ngramModel.scale(ours.raw[i]!, ours.ngrams)).toBeCloseTo(s, 6);
    }
  });
});
