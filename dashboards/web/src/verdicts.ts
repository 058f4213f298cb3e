import type { VerdictValue } from './api.ts';
import { h } from './dom.ts';
import { localeNumber } from './format.ts';

/**
 * The comparison's answer to "is this difference real?" in words: each verdict of the API
 * (a test at 95 %, see store/queries/significance.ts) as a short mark and a sentence.
 */

export interface VerdictWords {
  /** A short mark for a table cell: "▲ higher", "≈ no clear difference". */
  mark: string;
  /** The sentence behind it, with the p-value. */
  sentence: string;
  /** For colour: good, bad, or neither. */
  tone: 'good' | 'bad' | 'flat';
}

/** `upIsGood`: for the negative share, higher is bad. */
export function verdictWords(v: VerdictValue, against: string, upIsGood = true): VerdictWords {
  const p =
    v.p_value === null
      ? ''
      : v.p_value < 0.001
        ? ' (p < 0.001)'
        : ` (p = ${localeNumber(v.p_value, 3)})`;
  switch (v.verdict) {
    case 'higher':
      return {
        mark: '▲ higher',
        sentence: `Higher than ${against}: a real difference at 95 %${p}`,
        tone: upIsGood ? 'good' : 'bad',
      };
    case 'lower':
      return {
        mark: '▼ lower',
        sentence: `Lower than ${against}: a real difference at 95 %${p}`,
        tone: upIsGood ? 'bad' : 'good',
      };
    case 'no_clear_difference':
      return {
        mark: '≈ same',
        sentence: `No clear difference from ${against}: could be chance${p}`,
        tone: 'flat',
      };
    default:
      return {
        mark: 'too few',
        sentence: `Too few mentions to compare with ${against}`,
        tone: 'flat',
      };
  }
}

/** A verdict mark with its sentence as title and for screen readers. */
export function verdictBadge(
  v: VerdictValue | string | null | undefined,
  against: string,
  upIsGood = true,
): HTMLElement | null {
  if (!v || typeof v === 'string') return null;
  const w = verdictWords(v, against, upIsGood);
  return h(
    'span',
    {
      class: `verdict tone-${w.tone}`,
      title: w.sentence,
      'data-verdict': v.verdict,
      'aria-label': w.sentence,
    },
    `${w.mark} vs ${against}`,
  );
}
