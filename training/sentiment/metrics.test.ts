import { describe, expect, it } from 'vitest';
import { accuracy, expectedCalibrationError, f1For, macroF1 } from './metrics.ts';

describe('metrics', () => {
  const gold = ['pos', 'pos', 'neg', 'neg', 'neu', 'neu'];
  it('perfect predictions score 1', () => {
    expect(macroF1(gold, gold)).toBe(1);
    expect(accuracy(gold, gold)).toBe(1);
  });
  it('per-class F1 by hand', () => {
    const pred = ['pos', 'neg', 'neg', 'neg', 'neu', 'pos'];
    // pos: tp 1, fp 1, fn 1 → 0.5; neg: tp 2, fp 1, fn 0 → 0.8; neu: tp 1, fp 0, fn 1 → 2/3
    expect(f1For(gold, pred, 'pos')).toBeCloseTo(0.5);
    expect(f1For(gold, pred, 'neg')).toBeCloseTo(0.8);
    expect(macroF1(gold, pred)).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
    expect(macroF1(gold, pred, ['pos', 'neg'])).toBeCloseTo(0.65);
  });
  it('a class only in predictions counts (predicting neutral on a pos/neg set is penalised)', () => {
    expect(macroF1(['pos', 'neg'], ['pos', 'neu'])).toBeCloseTo((1 + 0 + 0) / 3);
  });
  it('rejects mismatched lengths', () => {
    expect(() => macroF1(['pos'], [])).toThrow(/1 labels/);
  });
  it('calibration error: 0 when confidence matches accuracy, large when overconfident', () => {
    expect(expectedCalibrationError([true, false], [0.55, 0.55])).toBeCloseTo(0.05);
    expect(expectedCalibrationError([false, false, false], [0.95, 0.95, 0.95])).toBeCloseTo(0.95);
  });
});
