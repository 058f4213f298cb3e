import { afterEach, describe, expect, it } from 'vitest';
import { setNumberLocale } from './format.ts';
import { verdictWords } from './verdicts.ts';

describe('verdicts in words', () => {
  afterEach(() => setNumberLocale(undefined));

  it('says whether a difference is real, with its p-value, and colours by direction', () => {
    setNumberLocale('en-US');
    expect(verdictWords({ verdict: 'higher', p_value: 0.0285 }, 'Aurora')).toEqual({
      mark: '▲ higher',
      sentence: 'Higher than Aurora: a real difference at 95 % (p = 0.029)',
      tone: 'good',
    });
    // A higher negative share is bad news.
    expect(
      verdictWords({ verdict: 'higher', p_value: 0.0001 }, 'last period', false),
    ).toMatchObject({
      sentence: 'Higher than last period: a real difference at 95 % (p < 0.001)',
      tone: 'bad',
    });
    expect(verdictWords({ verdict: 'no_clear_difference', p_value: 0.47 }, 'Aurora')).toMatchObject(
      {
        mark: '≈ same',
        tone: 'flat',
      },
    );
    expect(verdictWords({ verdict: 'too_little_data', p_value: null }, 'Aurora').sentence).toBe(
      'Too few mentions to compare with Aurora',
    );
  });
});
