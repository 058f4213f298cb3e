import { afterEach, describe, expect, it } from 'vitest';
import {
  formatCount,
  formatNet,
  formatPctChange,
  formatPointsDelta,
  formatShare,
  mentionScoreText,
  formatInteger,
  relativeTime,
  setNumberLocale,
  toneOf,
} from './format.ts';

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [812, '812'],
    [999.6, '1000'],
    [1_234, '1.2k'],
    [1_000, '1k'],
    [12_345, '12k'],
    [1_250_000, '1.3M'],
    [234_293_740, '234M'],
    [-4_200, '\u22124.2k'],
    [Number.NaN, '–'],
    [null, '–'],
  ])('%s → %s', (n, out) => expect(formatCount(n)).toBe(out));
});

describe('shares and changes', () => {
  it('formats shares as percentages', () => {
    expect(formatShare(0.453)).toBe('45%');
    expect(formatShare(0.4536, 1)).toBe('45.4%');
    expect(formatShare(null)).toBe('–');
  });

  it('signs net sentiment and avoids a negative zero', () => {
    expect(formatNet(0.2104)).toBe('+0.21');
    expect(formatNet(-0.08)).toBe('\u22120.08');
    expect(formatNet(-0.001)).toBe('0.00');
  });

  it('says "new" when there was nothing to compare with', () => {
    expect(formatPctChange(12.5)).toBe('+12.5%');
    expect(formatPctChange(-3)).toBe('\u22123%');
    expect(formatPctChange(250.4)).toBe('+250%');
    expect(formatPctChange(0.01)).toBe('±0%');
    expect(formatPctChange(null)).toBe('new');
  });

  it('gives share changes in percentage points', () => {
    expect(formatPointsDelta(0.05)).toBe('+5.0 pts');
    expect(formatPointsDelta(-0.0123)).toBe('\u22121.2 pts');
    expect(formatPointsDelta(0.0001)).toBe('±0 pts');
  });

  it('colours by what is good for the brand', () => {
    expect(toneOf(5, true)).toBe('good');
    expect(toneOf(5, false)).toBe('bad');
    expect(toneOf(-0.02, false)).toBe('good');
    expect(toneOf(0.001, true, 0.005)).toBe('flat');
    expect(toneOf(null, true)).toBe('flat');
  });
});

describe('relativeTime', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  it.each([
    ['2026-11-21T11:59:50Z', 'just now'],
    ['2026-11-21T11:55:00Z', '5 min ago'],
    ['2026-11-21T09:00:00Z', '3 h ago'],
    ['2026-11-19T12:00:00Z', '2 d ago'],
  ])('%s → %s', (iso, out) => expect(relativeTime(iso, now)).toBe(out));
});

describe('mentionScoreText', () => {
  it('shows no number for a neutral or unscored mention, so neutral never reads as negative', () => {
    expect(mentionScoreText('neu', -0.3)).toBeNull();
    expect(mentionScoreText('neu', 0.02)).toBeNull();
    expect(mentionScoreText('unscored', 0)).toBeNull();
  });
  it('signs a polar score by its label', () => {
    expect(mentionScoreText('pos', 0.654)).toBe('+0.65');
    expect(mentionScoreText('neg', -0.3)).toBe('\u22120.30');
    // An old model could leave a weak label at 0.00: the sign still follows the label.
    expect(mentionScoreText('pos', 0.002)).toBe('+0.01');
    expect(mentionScoreText('neg', 0)).toBe('\u22120.01');
  });
});

describe('numbers in the reader’s locale, as dates are', () => {
  afterEach(() => setNumberLocale(undefined));

  it('German: decimal commas and dot grouping, signs and units unchanged', () => {
    setNumberLocale('de-DE');
    expect(formatCount(1_234)).toBe('1,2k');
    expect(formatShare(0.4536, 1)).toBe('45,4%');
    expect(formatNet(-0.08)).toBe('\u22120,08');
    expect(formatPctChange(12.5)).toBe('+12,5%');
    expect(formatPointsDelta(0.05)).toBe('+5,0 pts');
    expect(formatInteger(1_234_567)).toBe('1.234.567');
  });

  it('English: the same figures with points and commas', () => {
    setNumberLocale('en-US');
    expect(formatCount(1_234)).toBe('1.2k');
    expect(formatShare(0.4536, 1)).toBe('45.4%');
    expect(formatInteger(1_234_567)).toBe('1,234,567');
  });
});
