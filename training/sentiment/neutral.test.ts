import { describe, expect, it } from 'vitest';
import { DENSE_PER_COPY } from '../../enrich/sentiment/features.ts';
import { mulberry32 } from '../../core/random.ts';
import {
  balancedMacroF1,
  fitBinaryTemperature,
  fitGate,
  gatedLabels,
  leaveOneLanguageOut,
  type GateRow,
} from './neutral.ts';

/**
 * Synthetic margins: neutral rows near 0 with no lexicon hits, polar rows far from 0 with hits,
 * in three languages whose margins differ in scale (what the per-language temperature undoes).
 */
function rows(lang: string, scale: number, n: number, seed: number): GateRow[] {
  const rand = mulberry32(seed);
  const out: GateRow[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    const d = new Float32Array(DENSE_PER_COPY);
    d[0] = 1;
    d[11] = Math.log1p(10) / 3;
    const noise = (rand() - 0.5) * 2;
    let margin: number;
    if (y === 1) {
      margin = noise * 0.8;
      d[5] = rand() < 0.7 ? 1 : 0;
    } else {
      // One polar row in six is on the wrong side, so pos and neg overlap as in real data.
      margin = (y === 2 ? 1 : -1) * (rand() < 1 / 6 ? -1 : 1) * (2.5 + noise);
      d[4] = 1 / 3;
      if (y === 2) d[2] = 0.5;
      else d[3] = -0.5;
    }
    out.push({ lang, y, margin: margin * scale, dense: d });
  }
  return out;
}

const data = [...rows('aa', 1, 300, 1), ...rows('bb', 2, 300, 2), ...rows('cc', 0.5, 300, 3)];

describe('neutral gate fitting', () => {
  it('fits a temperature per language that undoes its margin scale', () => {
    const ta = fitBinaryTemperature(data.filter((r) => r.lang === 'aa'));
    const tb = fitBinaryTemperature(data.filter((r) => r.lang === 'bb'));
    expect(tb / ta).toBeGreaterThan(1.6);
    expect(tb / ta).toBeLessThan(2.5);
  });

  it('learns neutral from the other languages and recovers it in a held-out one', () => {
    const temps = { aa: 1, bb: 2, cc: 0.5 };
    const held = leaveOneLanguageOut(data, temps, ['aa', 'bb', 'cc'], []);
    for (const h of held) {
      expect(h.neverNeutral).toBeLessThan(0.67);
      expect(h.gated).toBeGreaterThan(0.85);
      expect(h.neutralRate).toBeGreaterThan(0.2);
      expect(h.neutralRate).toBeLessThan(0.45);
    }
  });

  it('is deterministic', () => {
    const temps = { aa: 1, bb: 2, cc: 0.5 };
    expect(fitGate(data, temps)).toEqual(fitGate(data, temps));
    const w = fitGate(data, temps);
    const labels = gatedLabels(w, data, temps);
    const gold = data.map((r) => ['neg', 'neu', 'pos'][r.y]);
    // Right on all but (about) the one polar row in six that sits on the wrong side.
    const right = labels.filter((l, i) => l === gold[i]).length / labels.length;
    expect(right).toBeGreaterThan(0.8);
    expect(right).toBeLessThan(0.95);
  });
});

describe('balancedMacroF1', () => {
  it('equals macro-F1 on balanced data and weighs a rare class up', () => {
    expect(balancedMacroF1(['neg', 'neu', 'pos'], ['neg', 'neu', 'pos'])).toBe(1);
    // 1 neutral among 10: calling it pos costs as much as missing a whole third of the data.
    const gold = ['neu', 'pos', 'pos', 'pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'neg'];
    const pred = ['pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'neg'];
    expect(balancedMacroF1(gold, pred)).toBeLessThan(0.6);
  });
});
