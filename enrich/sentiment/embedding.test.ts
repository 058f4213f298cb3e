import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { headLogits, parseWordVectors, readWordVectors } from './embedding.ts';
import { tokenize } from './text.ts';

/** The file layout of scripts/distill-embeddings.py, written from TypeScript for the tests. */
function encode(words: string[], vecs: number[][], weights: number[], scale: number[]): Buffer {
  const dims = scale.length;
  const blob = Buffer.from(words.join('\n'), 'utf8');
  const b = Buffer.alloc(16 + dims * 4 + 2 * words.length + words.length * dims + 4 + blob.length);
  b.write('ESW1', 0, 'latin1');
  b.writeUInt32LE(1, 4);
  b.writeUInt32LE(words.length, 8);
  b.writeUInt32LE(dims, 12);
  let o = 16;
  for (const s of scale) {
    b.writeFloatLE(s, o);
    o += 4;
  }
  for (const w of weights) b.writeUInt8(w, o++);
  for (let i = 0; i < words.length; i++) b.writeUInt8(i % 2, o++); // piece flags
  for (const v of vecs) for (const x of v) b.writeInt8(x, o++);
  b.writeUInt32LE(blob.length, o);
  blob.copy(b, o + 4);
  return b;
}

// "good" and "bad" point opposite ways; "Café" and "cafe" fold to one key (the first row wins).
const WORDS = ['the', 'good', 'bad', 'café', 'cafe'];
const VECS = [
  [0, 0],
  [100, 10],
  [-100, 10],
  [0, 50],
  [0, -50],
];
const WEIGHTS = [10, 100, 100, 50, 50];
const SCALE = [0.01, 0.02];
const table = (): ReturnType<typeof parseWordVectors> =>
  parseWordVectors(encode(WORDS, VECS, WEIGHTS, SCALE), 'test.bin');

const tmp = mkdtempSync(join(tmpdir(), 'earshot-wv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('word vectors', () => {
  it('looks words up by their folded form; the more frequent (earlier) row wins a fold clash', () => {
    const t = table();
    expect(t.dims).toBe(2);
    expect(t.size).toBe(4);
    expect(t.row('good')).toBe(1);
    expect(t.row('cafe')).toBe(3);
    expect(t.row('unknown')).toBe(-1);
  });

  it("a text's vector is the weighted mean of its known words, dequantised", () => {
    const t = table();
    const out = new Float64Array(2);
    // "the" (weight 10, zero vector) and "good" (weight 100); "xyz" and the emoji are unknown.
    expect(t.mean(tokenize('The GOOD xyz 😀'), out)).toBe(2);
    expect(out[0]).toBeCloseTo((100 * 100 * 0.01) / 110, 6);
    expect(out[1]).toBeCloseTo((100 * 10 * 0.02) / 110, 6);
    expect(t.mean(tokenize('nothing known here'), out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0]);
  });

  it('the projected head equals the head on the mean vector (it is linear), with shares per token', () => {
    const t = table();
    // W[k * 3 + c], bias last: dimension 0 pushes pos up and neg down.
    const head = Float32Array.from([-2, 0, 2, 0.5, 0.1, -0.3, 0.1, 0.2, -0.1]);
    const tokens = tokenize('so bad, not good at the café');
    const x = new Float64Array(2);
    t.mean(tokens, x);
    const direct = new Float64Array(3);
    headLogits(head, x, 2, direct);
    const viaProj = new Float64Array(3);
    const share = new Float64Array(tokens.length);
    const known = t.headLogits(t.project(head), head, tokens, viaProj, share);
    expect(known).toBe(4);
    for (let c = 0; c < 3; c++) expect(viaProj[c]).toBeCloseTo(direct[c]!, 5);
    expect(share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(share[tokens.findIndex((tk) => tk.norm === 'so')]).toBe(0);
    // Unknown text: the bias alone.
    t.headLogits(t.project(head), head, tokenize('zzz'), viaProj);
    expect(Array.from(viaProj).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.1, 0.2, -0.1]);
  });

  it('a head of the wrong size is refused', () => {
    expect(() => table().project(new Float32Array(5))).toThrow(/expected 9/);
  });
});

describe('word-vector file', () => {
  it('reads a good file and checks its sha256', () => {
    const bytes = encode(WORDS, VECS, WEIGHTS, SCALE);
    const path = join(tmp, 'ok.bin');
    writeFileSync(path, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(readWordVectors(path, sha).size).toBe(4);
    expect(() => readWordVectors(path, '0'.repeat(64))).toThrow(/corrupt \(sha256 .*ok\.bin/);
  });

  it('a missing file is a clear error naming it', () => {
    expect(() => readWordVectors(join(tmp, 'nope.bin'))).toThrow(
      /missing or unreadable: .*nope\.bin/,
    );
  });

  it.each([
    ['bad magic', (b: Buffer) => b.write('XXXX', 0, 'latin1'), /bad magic/],
    ['truncated', (b: Buffer) => b.subarray(0, 30), /truncated/],
    ['extra bytes', (b: Buffer) => Buffer.concat([b, Buffer.from([1])]), /does not end the file/],
    ['wrong version', (b: Buffer) => b.writeUInt32LE(9, 4), /unknown version 9/],
    ['word count', (b: Buffer) => b.writeUInt32LE(4, 8), /./],
  ] as const)('a corrupt file (%s) is a clear error naming it', (_, damage, why) => {
    const b = encode(WORDS, VECS, WEIGHTS, SCALE);
    const r = damage(b);
    const bytes = Buffer.isBuffer(r) ? r : b;
    expect(() => parseWordVectors(bytes, '/x/embeddings.bin')).toThrow(why);
    expect(() => parseWordVectors(bytes, '/x/embeddings.bin')).toThrow(/embeddings\.bin/);
  });
});

describe('word vectors seen as a table without some words', () => {
  it('rows marked unusable count as unknown, and the piece flags are read', () => {
    const t = table();
    expect(Array.from(t.piece)).toEqual([0, 1, 0, 1, 0]);
    const usable = Uint8Array.from([1, 0, 1, 1, 1]); // "good" unusable
    const out = new Float64Array(2);
    expect(t.mean(tokenize('the good bad'), out, undefined, usable)).toBe(2);
    expect(out[0]).toBeCloseTo((100 * -100 * 0.01) / 110, 6);
  });
});

describe('negated words in the mean', () => {
  const negators = new Set(['not']);
  it('a word a negator reaches enters turned around (factor −1), up to three words, until punctuation', () => {
    const t = table();
    t.negatedFactor = -1;
    const out = new Float64Array(2);
    t.mean(tokenize('not good'), out, undefined, undefined, negators);
    // "not" has no row; "good" (100, 10) × −1.
    expect(out[0]).toBeCloseTo(-100 * 0.01, 6);
    expect(out[1]).toBeCloseTo(-10 * 0.02, 6);
    // Punctuation closes the scope: "good" counts as itself.
    t.mean(tokenize('not! good'), out, undefined, undefined, negators);
    expect(out[0]).toBeCloseTo(100 * 0.01, 6);
    // Without negators nothing is turned.
    t.mean(tokenize('not good'), out);
    expect(out[0]).toBeCloseTo(100 * 0.01, 6);
  });

  it('factor 0 leaves negated words out; the head sees the same through its projection', () => {
    const t = table();
    const out = new Float64Array(2);
    t.negatedFactor = 0;
    expect(t.mean(tokenize('not good! the'), out, undefined, undefined, negators)).toBe(1);
    expect(Array.from(out)).toEqual([0, 0]);
    t.negatedFactor = -1;
    const head = Float32Array.from([-2, 0, 2, 0.5, 0.1, -0.3, 0, 0, 0]);
    const tokens = tokenize("the movie isn't bad, good");
    const x = new Float64Array(2);
    t.mean(tokens, x, undefined, undefined, negators);
    const direct = new Float64Array(3);
    headLogits(head, x, 2, direct);
    const viaProj = new Float64Array(3);
    t.headLogits(t.project(head), head, tokens, viaProj, undefined, undefined, negators);
    for (let c = 0; c < 3; c++) expect(viaProj[c]).toBeCloseTo(direct[c]!, 5);
    // "isn't" negates "bad", so "bad" pulls towards pos like "good" does.
    expect(viaProj[2]).toBeGreaterThan(viaProj[0]!);
  });
});
