import { describe, expect, it } from 'vitest';
import {
  DENSE_PER_COPY,
  DENSE_LANGS,
  FeatureBuffer,
  extractFeatures,
  type FeatureConfig,
} from './features.ts';
import { rulesFor } from './lang-rules.ts';
import { makeLexicons, scoreRules } from './rules.ts';
import { tokenize } from './text.ts';

const cfg: FeatureConfig = { bits: 16, charMin: 2, charMax: 4, wordBigrams: true, charWeight: 0.5 };
const lex = makeLexicons(new Map([['good', 1.9]]), new Map([['😍', 2.5]]), new Map());

function features(text: string, lang = 'en', c = cfg): FeatureBuffer {
  const buf = new FeatureBuffer();
  const tokens = tokenize(text);
  const rules = rulesFor(lang) ?? null;
  extractFeatures(
    buf,
    c,
    lang,
    text,
    tokens,
    scoreRules(text, tokens, lex, rules),
    rules?.negators ?? null,
  );
  return buf;
}

function sparse(buf: FeatureBuffer): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < buf.n; i++) m.set(buf.idx[i]!, (m.get(buf.idx[i]!) ?? 0) + buf.val[i]!);
  return m;
}

describe('extractFeatures', () => {
  it('is deterministic and stays inside the hash space', () => {
    const a = features('this is good 😍 #wow');
    const b = features('this is good 😍 #wow');
    expect(Array.from(a.idx.slice(0, a.n))).toEqual(Array.from(b.idx.slice(0, b.n)));
    for (let i = 0; i < a.n; i++) {
      expect(a.idx[i]).toBeGreaterThanOrEqual(0);
      expect(a.idx[i]).toBeLessThan(1 << cfg.bits);
    }
  });
  it('normalises the word block and the character block apart', () => {
    const buf = features('this is good');
    let words = 0;
    let chars = 0;
    for (let i = 0; i < buf.n; i++) {
      const v = buf.val[i]!;
      if (buf.val[0] === v) words += v * v;
      else chars += v * v;
    }
    expect(words + chars).toBeCloseTo(1 + cfg.charWeight ** 2, 5);
  });
  it('the same word in two languages is two different features', () => {
    const en = sparse(
      features('gift', 'en', { ...cfg, charMax: 0, charMin: 0, wordBigrams: false }),
    );
    const de = sparse(
      features('gift', 'de', { ...cfg, charMax: 0, charMin: 0, wordBigrams: false }),
    );
    expect([...en.keys()]).not.toEqual([...de.keys()]);
  });
  it('shared character n-grams are the same across languages when asked for', () => {
    const c = { ...cfg, wordBigrams: false, charShared: true };
    const en = sparse(features('excelente', 'es', c));
    const pt = sparse(features('excelente', 'pt', c));
    const common = [...en.keys()].filter((k) => pt.has(k));
    expect(common.length).toBe(en.size - 1); // all but the (language-specific) word feature
  });
  it('a negated word is a different feature from the plain word', () => {
    const c = { ...cfg, charMax: 0, charMin: 0, wordBigrams: false };
    const plain = sparse(features('good', 'en', c));
    const negated = sparse(features('not good', 'en', c));
    const [goodIdx] = [...plain.keys()];
    expect(negated.has(goodIdx!)).toBe(false);
  });
  it('emoji are shared across languages', () => {
    const c = { ...cfg, charMax: 0, charMin: 0, wordBigrams: false };
    expect([...sparse(features('😍', 'en', c)).keys()]).toEqual([
      ...sparse(features('😍', 'fa', c)).keys(),
    ]);
  });
  it('dense features: shared copy always, the language copy only for known languages', () => {
    const en = features('good', 'en');
    const slot = DENSE_LANGS.indexOf('en') + 1;
    expect(en.dense[0]).toBe(1);
    expect(en.dense[slot * DENSE_PER_COPY]).toBe(1);
    expect(en.dense[1]).toBeGreaterThan(0); // the rule compound
    const xx = features('good', 'xx');
    expect(Array.from(xx.dense.slice(DENSE_PER_COPY)).every((v) => v === 0)).toBe(true);
  });
  it('empty text has no sparse features and a bias', () => {
    const buf = features('');
    expect(buf.n).toBe(0);
    expect(buf.dense[0]).toBe(1);
  });
});
