import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';
import { readHeads } from '../../enrich/sentiment/accurate/heads.ts';
import { OWN_L2_GRID, trainAccurateTier } from './accurate-tier.ts';
import { textsHash } from './encoder/cache.ts';
import type { LabelledRow } from './data.ts';

/**
 * The accurate trainer on a generated cache (8-dim "embeddings", three classes along one
 * dimension): `refit` replaces only the named languages' heads.
 */
const DIMS = 8;
const tmp = mkdtempSync(join(tmpdir(), 'earshot-accurate-'));
const data = join(tmp, 'data');
const cache = join(tmp, 'cache');
const out = join(tmp, 'model');
const LABELS = ['neg', 'neu', 'pos'] as const;

/** One labelled set and its cached embeddings; `axis`: the dimension that carries the class. */
function writeSet(set: string, lang: string, n: number, axis: number, seed: number): void {
  const rand = mulberry32(seed);
  const rows: LabelledRow[] = Array.from({ length: n }, (_, i) => ({
    text: `${set} text ${i}`,
    label: LABELS[i % 3]!,
    lang,
    set,
    split: 'train',
  }));
  writeFileSync(
    join(data, `${set}.train.jsonl`),
    rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  );
  const x = new Float32Array(n * DIMS);
  rows.forEach((_, i) => {
    for (let k = 0; k < DIMS; k++) {
      x[i * DIMS + k] = (k === axis ? ((i % 3) - 1) * 0.3 : 0) + (rand() - 0.5) * 0.4;
    }
  });
  writeFileSync(join(cache, `${set}.train.f32`), Buffer.from(x.buffer));
  writeFileSync(
    join(cache, `${set}.train.json`),
    JSON.stringify({ idx: rows.map((_, i) => i), hash: textsHash(rows), dims: DIMS }),
  );
}

function train(refit?: string[]): void {
  trainAccurateTier({
    data,
    out,
    cache,
    fastOof: join(tmp, 'no-fast-oof'),
    ...(refit ? { refit } : {}),
  });
}

beforeAll(() => {
  for (const d of [data, cache, out]) mkdirSync(d, { recursive: true });
  // heads.json names the encoder and tokenizer by hash; their content does not matter here.
  writeFileSync(join(out, 'encoder.onnx'), 'encoder');
  writeFileSync(join(out, 'tokenizer.json'), '{}');
  writeSet('set_en', 'en', 90, 0, 1);
  writeSet('set_de', 'de', 90, 0, 2);
  writeSet('set_hi', 'hi', 90, 0, 3);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('trainAccurateTier', () => {
  it('chooses each head’s pull towards the shared head out of fold, from the grid', () => {
    train();
    const heads = readHeads(out);
    const cv = (
      heads.training as { crossValidated: Record<string, { l2: number; l2Curve: number[] }> }
    ).crossValidated;
    for (const lang of ['de', 'en', 'hi']) {
      expect(OWN_L2_GRID).toContain(cv[lang]!.l2);
      expect(cv[lang]!.l2Curve).toHaveLength(OWN_L2_GRID.length);
    }
  });

  it('refit replaces only the named languages and keeps the rest byte for byte', () => {
    train();
    const before = readHeads(out);
    // Hindi's class now lives on another dimension: its head must move, the others must not,
    // although the shared head refitted on this cache would differ too.
    writeSet('set_hi', 'hi', 90, 5, 4);
    train(['hi']);
    const after = readHeads(out);
    expect(after.languages.en).toEqual(before.languages.en);
    expect(after.languages.de).toEqual(before.languages.de);
    expect(after.shared).toEqual(before.shared);
    expect(after.languages.hi!.head).not.toEqual(before.languages.hi!.head);
    const training = after.training as { refit: { languages: string[] } };
    expect(training.refit.languages).toEqual(['hi']);
    const raw = JSON.parse(readFileSync(join(out, 'heads.json'), 'utf8')) as { version: string };
    expect(raw.version).toBe(after.version);
  });

  it('refit refuses a language without labelled cached rows', () => {
    expect(() => train(['xx'])).toThrow(/--refit: no labelled cached rows for xx/);
  });
});
