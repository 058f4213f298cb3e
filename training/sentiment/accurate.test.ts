import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineWithFast } from '../../enrich/sentiment/accurate/scorer.ts';
import { readFastOutOfFold, writeFastOutOfFold } from './fast-oof.ts';
import type { LabelledRow } from './data.ts';
import {
  argmax,
  chooseFastWeight,
  FAST_WEIGHT_GRID,
  fastWeightCurve,
  fitHead,
  gatedProbabilities,
  headLogits,
  languageWeights,
  standardize,
  standardizer,
  unstandardize,
  type HeadRow,
} from './accurate.ts';

const DIMS = 8;

/** Three classes along dimension 0 (neg < 0 < pos), noise elsewhere, an offset on every dimension. */
function rows(n: number, lang: string, seed: number): HeadRow[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const y = i % 3;
    const x = Float32Array.from({ length: DIMS }, (_, k) =>
      k === 0 ? (y - 1) * 0.2 + (rand() - 0.5) * 0.1 + 0.5 : rand() * 0.3 + 0.5,
    );
    return { lang, y, x };
  });
}

describe('accurate tier heads', () => {
  const train = [...rows(300, 'aa', 1), ...rows(60, 'bb', 2)];
  const std = standardizer(train, DIMS);

  it('learn a separable problem, and the raw-space weights give the same logits', () => {
    const z = standardize(train, std);
    const w = fitHead(z, DIMS, { l2: 1e-3, iterations: 150, weights: languageWeights(train) });
    const test = rows(90, 'aa', 3);
    const raw = unstandardize(w, std, DIMS);
    const out = new Float64Array(3);
    let right = 0;
    for (const r of test) {
      headLogits(raw, r.x, DIMS, out);
      if (argmax(out) === r.y) right++;
    }
    expect(right / test.length).toBeGreaterThan(0.9);
    const a = new Float64Array(3);
    headLogits(w, standardize([test[0]!], std)[0]!.x, DIMS, a);
    headLogits(raw, test[0]!.x, DIMS, out);
    for (let c = 0; c < 3; c++) expect(out[c]).toBeCloseTo(a[c]!, 2);
  });

  it('a language head is pulled towards its prior where its data say nothing', () => {
    const prior = Float64Array.from({ length: (DIMS + 1) * 3 }, (_, q) => (q % 5) * 0.1);
    const w = fitHead([], DIMS, { l2: 1, iterations: 50, prior });
    expect(Array.from(w)).toEqual(Array.from(prior));
  });

  it('every language weighs the same in total', () => {
    const w = languageWeights(train);
    const sum = (lang: string) => train.reduce((a, r, i) => a + (r.lang === lang ? w[i]! : 0), 0);
    expect(sum('aa')).toBeCloseTo(sum('bb'), 6);
  });

  it('gated probabilities take neutral from the shared head and sum to 1', () => {
    const p = new Float64Array(3);
    gatedProbabilities(Float64Array.from([0, 99, 2]), 1, Float64Array.from([0, 3, 0]), 1, p);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 9);
    expect(argmax(p)).toBe(1); // the shared head is sure it is neutral
    expect(p[2]!).toBeGreaterThan(p[0]!); // the language head's own 99 on neutral is ignored
  });

  it('the fast weight follows the out-of-fold evidence: a right fast tier gets weight, a wrong one none', () => {
    const rand = mulberry32(7);
    const gold = Array.from({ length: 300 }, (_, i) => i % 3);
    const noisy = gold.map(() => Float64Array.from([rand(), rand(), rand()], (v) => v + 0.1));
    const sure = (y: number): Float64Array =>
      Float64Array.from([0, 1, 2], (c) => (c === y ? 0.8 : 0.1));
    const right = gold.map(sure);
    const wrong = gold.map((y) => sure((y + 1) % 3));
    const up = fastWeightCurve(noisy, right, gold, combineWithFast);
    expect(up).toHaveLength(FAST_WEIGHT_GRID.length);
    expect(up[up.length - 1]).toBe(1);
    expect(up[0]!).toBeLessThan(0.6);
    expect(chooseFastWeight(up, 300, up, 600)).toBeGreaterThan(0.5);
    const down = fastWeightCurve(right, wrong, gold, combineWithFast);
    expect(down[0]).toBe(1);
    expect(chooseFastWeight(down, 300, down, 600)).toBeLessThan(0.5);
  });

  it('a language with few rows takes the pooled choice, one with many its own', () => {
    const own = FAST_WEIGHT_GRID.map((w) => (w === 1 ? 0.7 : 0.6));
    const pooled = FAST_WEIGHT_GRID.map((w) => (w === 0.3 ? 0.7 : 0.6));
    expect(chooseFastWeight(own, 20, pooled, 600)).toBe(0.3);
    expect(chooseFastWeight(own, 20000, pooled, 600)).toBe(1);
  });

  it("the fast tier's out-of-fold cache reads back per JSONL row and refuses other texts", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fast-oof-'));
    const rows: LabelledRow[] = ['good', 'bad', 'meh'].map((text) => ({
      text,
      label: 'neu',
      lang: 'en',
      set: 'toy_en',
      split: 'train',
    }));
    writeFastOutOfFold(dir, rows, (i, out) => out.set([i / 10, 0.5, 0.5 - i / 10]));
    const back = readFastOutOfFold(dir, 'toy_en', rows)!;
    expect(back.map((p) => Array.from(p))).toEqual([
      [0, 0.5, 0.5],
      [0.1, 0.5, 0.4],
      [0.2, 0.5, 0.3],
    ]);
    expect(readFastOutOfFold(dir, 'toy_en', [rows[0]!, rows[2]!, rows[1]!])).toBeNull();
    expect(readFastOutOfFold(dir, 'other_en', rows)).toBeNull();
  });
});
