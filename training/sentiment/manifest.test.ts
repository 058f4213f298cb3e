import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../enrich/sentiment/index.ts';
import { writeManifest } from './manifest.ts';
import { SEED_LEXICONS } from './seeds.ts';

const dir = mkdtempSync(join(tmpdir(), 'earshot-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const committed = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as {
  linear: { temperatures: Record<string, number> };
};

describe('writeManifest', () => {
  it('writes a manifest the scorer accepts, keeping the training report', () => {
    writeManifest(dir, committed);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(committed);
  });

  it('refuses one the scorer would reject, naming the field, and writes nothing', () => {
    const bad = join(dir, 'bad');
    const broken = structuredClone(committed);
    broken.linear.temperatures.en = -1;
    expect(() => writeManifest(bad, broken)).toThrow(/temperatures/);
    expect(existsSync(join(bad, 'manifest.json'))).toBe(false);
  });
});

describe('seed lexicons', () => {
  it('are read from one JSON file per language', () => {
    expect(Object.keys(SEED_LEXICONS).sort()).toEqual(
      ['ar', 'de', 'el', 'en', 'es', 'fa', 'fr', 'hi', 'it', 'pt', 'sl'].sort(),
    );
    expect(SEED_LEXICONS.en!.bricked).toBeLessThan(0);
  });
});
