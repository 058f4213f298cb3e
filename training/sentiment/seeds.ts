import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Hand-written core sentiment words per language, on VADER's scale (about -4..4), one JSON file
 * per language in `seeds/` (its README says why they exist and how they were checked). The
 * translated AFINN lists miss many of the most frequent everyday words (Italian "buono", French
 * "bon", Greek "καλό", Arabic "رائع"), because they translate English headwords one to one and
 * lose the inflected and colloquial forms people actually write. These seeds override the
 * translations. Inflected forms are listed explicitly: the rule layer does no stemming.
 */
export const SEEDS_DIR = fileURLToPath(new URL('./seeds/', import.meta.url));

const SeedFileSchema = z.record(z.string().min(1), z.number().finite().min(-4).max(4));

/** Every `<lang>.json` of `dir`, validated; a bad file is named in the error. */
export function readSeedLexicons(dir = SEEDS_DIR): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const path = join(dir, file);
    const parsed = SeedFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`seed lexicon ${path}: ${z.prettifyError(parsed.error)}`);
    }
    out[file.slice(0, -'.json'.length)] = parsed.data;
  }
  return out;
}

export const SEED_LEXICONS: Record<string, Record<string, number>> = readSeedLexicons();
