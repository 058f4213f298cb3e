import { describe, expect, it } from 'vitest';
import { DENSE_PER_COPY } from './features.ts';
import { GATE_INPUTS, gateInputs, gatedProbabilities, neutralProbability } from './neutral.ts';

/** Dense rule features (shared copy) of a text with `hits` lexicon hits among `words` words. */
function dense(words: number, hits: number, pos = 0, neg = 0): Float32Array {
  const d = new Float32Array(DENSE_PER_COPY);
  d[0] = 1;
  d[1] = (pos + neg) / 4;
  d[2] = pos / 4;
  d[3] = neg / 4;
  d[4] = Math.min(hits, 6) / 3;
  d[5] = hits === 0 ? 1 : 0;
  d[11] = Math.log1p(words) / 3;
  return d;
}

/** A gate that says neutral when the margin is small: bias 2, −4 per margin unit/4. */
const MARGIN_GATE = Array.from({ length: GATE_INPUTS }, (_, j) => (j === 0 ? 2 : j === 1 ? -4 : 0));

describe('gateInputs', () => {
  it('is symmetric in the margin, bounded, and reads coverage and mixing from the rule features', () => {
    const a = new Float64Array(GATE_INPUTS);
    const b = new Float64Array(GATE_INPUTS);
    gateInputs(3, dense(10, 5, 2, -1), a);
    gateInputs(-3, dense(10, 5, 2, -1), b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0]).toBe(1);
    expect(a[1]).toBeCloseTo(0.75, 9);
    expect(a[18]).toBeCloseTo(0.5, 5); // 5 hits in 10 words
    expect(a[19]).toBeCloseTo(0.25, 5); // min(pos, |neg|) / 4
    gateInputs(1e6, dense(10, 5), a);
    gateInputs(8, dense(10, 5), b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it('handles empty text (no words) without dividing by zero', () => {
    const x = new Float64Array(GATE_INPUTS);
    gateInputs(0, dense(0, 0), x);
    expect(x.every(Number.isFinite)).toBe(true);
    expect(x[18]).toBe(0);
  });
});

describe('gatedProbabilities', () => {
  it('sums to one and splits the non-neutral mass by the margin', () => {
    const p = new Float64Array(3);
    gatedProbabilities(MARGIN_GATE, 1.5, dense(8, 1, 2), p);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
    expect(p[2]! / (p[0]! + p[2]!)).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 9);
  });

  it('calls a text neutral when the margin is small and polar when it is large', () => {
    const p = new Float64Array(3);
    gatedProbabilities(MARGIN_GATE, 0.1, dense(8, 0), p);
    expect(p[1]).toBeGreaterThan(Math.max(p[0]!, p[2]!));
    gatedProbabilities(MARGIN_GATE, -4, dense(8, 2, 0, -3), p);
    expect(p[0]).toBeGreaterThan(Math.max(p[1]!, p[2]!));
    gatedProbabilities(MARGIN_GATE, 4, dense(8, 2, 3), p);
    expect(p[2]).toBeGreaterThan(Math.max(p[0]!, p[1]!));
  });

  it('neutralProbability is the gate alone', () => {
    expect(neutralProbability(MARGIN_GATE, 0, dense(3, 0))).toBeCloseTo(1 / (1 + Math.exp(-2)), 9);
  });
});
