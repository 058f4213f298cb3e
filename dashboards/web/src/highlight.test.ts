import { describe, expect, it } from 'vitest';
import {
  combineItems,
  explanationFor,
  highlightSegments,
  significantItems,
  type ExplanationItem,
} from './highlight.ts';

const item = (
  text: string,
  start: number | null,
  weight: number,
  kind = 'lexicon',
): ExplanationItem => ({
  text,
  start,
  end: start === null ? null : start + text.length,
  weight,
  kind,
});

describe('highlightSegments', () => {
  it('marks the weighed words and keeps the text whole', () => {
    const text = 'Aurora battery is awful, not good';
    const segs = highlightSegments(text, [item('awful', 18, -2.1), item('good', 29, 0.4)]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.filter((s) => s.item).map((s) => s.text)).toEqual(['awful', 'good']);
  });

  it('keeps the stronger of two overlapping items', () => {
    const segs = highlightSegments('not good', [
      item('not good', 0, -1.5, 'negation'),
      item('good', 4, 0.8),
    ]);
    expect(segs).toEqual([{ text: 'not good', item: item('not good', 0, -1.5, 'negation') }]);
  });

  it('leaves out items without offsets or beyond the text', () => {
    const segs = highlightSegments('wow', [
      item('!!!', null, 0.3),
      { ...item('wow', 0, 1), end: 99 },
    ]);
    expect(segs).toEqual([{ text: 'wow' }]);
  });

  it('handles emoji by UTF-16 offsets, empty text, and no items', () => {
    const text = 'love it 😍';
    const segs = highlightSegments(text, [item('😍', 8, 1.2, 'emoji')]);
    expect(segs.at(-1)).toMatchObject({ text: '😍' });
    expect(highlightSegments('', [])).toEqual([{ text: '' }]);
    expect(highlightSegments('plain', [])).toEqual([{ text: 'plain' }]);
  });
});

describe('combineItems', () => {
  it('sums a lexicon hit and the model weight of the same word', () => {
    const out = combineItems([
      item('suporte', 30, 0.8, 'lexicon'),
      item('suporte', 30, 0.058, 'model'),
      item('a', 23, 0.2, 'model'),
    ]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ text: 'suporte', kind: 'lexicon+model' });
    expect(out[0]!.weight).toBeCloseTo(0.858);
  });
});

describe('significantItems', () => {
  it('keeps the strongest and drops the small weights a model spreads everywhere', () => {
    const items = [
      item('a', 0, 0.05),
      item('great', 2, 2.0),
      item('bad', 8, -1.0),
      item('the', 12, 0.2),
    ];
    expect(significantItems(items).map((i) => i.text)).toEqual(['great', 'bad']);
    expect(significantItems(items, { max: 1 }).map((i) => i.text)).toEqual(['great']);
    expect(significantItems([item('x', 0, 0)])).toEqual([]);
  });
});

describe('explanationFor', () => {
  const modelItem = (text: string, weight: number, kind: string) => ({
    text,
    start: 0,
    end: text.length,
    weight,
    kind,
  });
  it('shows the model’s words only where they point the label’s way, none on neutral', () => {
    const items = [
      modelItem('actualización', 0.35, 'model'),
      modelItem('destrozó', -0.28, 'model'),
      modelItem('😡', -0.24, 'emoji'),
      modelItem('great', 0.4, 'lexicon'),
    ];
    expect(explanationFor('neg', items).map((i) => i.text)).toEqual(['destrozó', '😡', 'great']);
    expect(explanationFor('pos', items).map((i) => i.text)).toEqual([
      'actualización',
      '😡',
      'great',
    ]);
    expect(explanationFor('neu', items).map((i) => i.text)).toEqual(['😡', 'great']);
  });
});
