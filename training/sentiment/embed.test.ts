import { describe, expect, it } from 'vitest';
import { headLogits, parseWordVectors } from '../../enrich/sentiment/embedding.ts';
import { fitHead, foldMasks, outOfFoldHead } from './embed.ts';
import type { Example } from './train.ts';

/** Examples whose class is told by the sign of dimension 0 (neg < 0 < pos) and dimension 1 (neu). */
function toy(n: number): { ex: Example[]; x: Float64Array[] } {
  const ex: Example[] = [];
  const x: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    const jitter = ((i * 7919) % 13) / 13 - 0.5;
    const v = new Float64Array(2);
    v[0] = y === 0 ? -1 + 0.3 * jitter : y === 2 ? 1 + 0.3 * jitter : 0.2 * jitter;
    v[1] = y === 1 ? 1 : 0.1 * jitter;
    x.push(v);
    ex.push({
      lang: 'en',
      y,
      weight: 1,
      allowed: [true, true, true],
      f: {
        idx: new Int32Array(0),
        val: new Float32Array(0),
        src: new Int32Array(0),
        n: 0,
        dense: new Float32Array(0),
      },
    });
  }
  return { ex, x };
}

function argmax(z: Float64Array): number {
  let b = 0;
  for (let i = 1; i < z.length; i++) if (z[i]! > z[b]!) b = i;
  return b;
}

describe('word-vector head training', () => {
  it('learns a separable problem, deterministically', () => {
    const { ex, x } = toy(60);
    const head = fitHead(ex, x, 2, 1e-4);
    const z = new Float64Array(3);
    let right = 0;
    x.forEach((v, i) => {
      headLogits(head, v, 2, z);
      if (argmax(z) === ex[i]!.y) right++;
    });
    expect(right).toBe(60);
    expect(Array.from(fitHead(ex, x, 2, 1e-4))).toEqual(Array.from(head));
  });

  it('a class the language never shows is never learned (it stays out of the softmax)', () => {
    const { ex, x } = toy(30);
    const polar = ex.map((e) => ({ ...e, allowed: [true, false, true] }));
    const keep = polar.map((e, i) => (e.y === 1 ? -1 : i)).filter((i) => i >= 0);
    const head = fitHead(
      keep.map((i) => polar[i]!),
      keep.map((i) => x[i]!),
      2,
      1e-4,
    );
    // The neutral weights and bias never move from zero.
    for (let k = 0; k <= 2; k++) expect(head[k * 3 + 1]).toBe(0);
  });

  it('out-of-fold logits come from heads that did not see the row', () => {
    const { ex, x } = toy(30);
    // A mislabelled row: a head that saw it could fit it; the out-of-fold one calls it by its vector.
    ex[0] = { ...ex[0]!, y: 2 };
    const fold = ex.map((_, i) => Math.floor(i / 3) % 3);
    const oof = outOfFoldHead(ex, () => x, fold, 3, 2, 1e-4);
    expect(oof).toHaveLength(30);
    expect(argmax(oof[0]!)).toBe(0);
  });
});

describe('fold masks', () => {
  it('a held-out fold keeps the pieces and the words other folds contain, and loses the rest', () => {
    // Rows: "alpha" (a piece), "beta", "gamma" (train words only).
    const words = ['alpha', 'beta', 'gamma'];
    const blob = Buffer.from(words.join('\n'));
    const b = Buffer.alloc(16 + 4 + 3 + 3 + 3 + 4 + blob.length);
    b.write('ESW1', 0, 'latin1');
    b.writeUInt32LE(1, 4);
    b.writeUInt32LE(3, 8);
    b.writeUInt32LE(1, 12);
    b.writeFloatLE(1, 16);
    b.set([10, 10, 10], 20); // weights
    b.set([1, 0, 0], 23); // piece flags
    b.set([1, 2, 3], 26); // vectors
    b.writeUInt32LE(blob.length, 29);
    blob.copy(b, 33);
    const v = parseWordVectors(b, 'toy.bin');
    const texts = ['alpha beta', 'beta', 'gamma'];
    const masks = foldMasks(texts, [0, 1, 0], 2, v);
    // Fold 0 holds texts 0 and 2: beta is also in fold 1, gamma only in fold 0, alpha a piece.
    expect(Array.from(masks[0]!)).toEqual([1, 1, 0]);
    // Fold 1 holds "beta", which text 0 (fold 0) also has.
    expect(Array.from(masks[1]!)).toEqual([1, 1, 1]);
  });
});
