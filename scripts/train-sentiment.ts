import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { trainAccurateTier } from '../training/sentiment/accurate-tier.ts';
import { EMBED_CACHE_DIR } from '../training/sentiment/encoder/cache.ts';
import { FAST_TRAIN_DEFAULTS, trainFastTier } from '../training/sentiment/fast.ts';

/**
 * `npm run train:sentiment [-- --data <dir>] [--out <dir>] [--tier fast|accurate|both] [--bits n] [--epochs n] [--folds k] [--tune] [--refit hi,…]`
 *
 * Rebuilds the sentiment model under enrich/sentiment/model/ from the train splits; the work is
 * in training/sentiment/: the fast tier (fast.ts) and the accurate tier's heads
 * (accurate-tier.ts, from the embedding cache of `npm run embed:sentiment`; the encoder itself is
 * converted once by training/sentiment/encoder/convert.py). Deterministic: the same data and seed
 * give the same files.
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: FAST_TRAIN_DEFAULTS.data },
    out: { type: 'string', default: FAST_TRAIN_DEFAULTS.out },
    bits: { type: 'string' },
    epochs: { type: 'string' },
    folds: { type: 'string', default: FAST_TRAIN_DEFAULTS.folds },
    seed: { type: 'string' },
    'dense-lr': { type: 'string' },
    mode: { type: 'string' },
    'combiner-l2': { type: 'string' },
    'gate-below': { type: 'string' },
    // The word-vector table; '' trains without it (no heads).
    embeddings: { type: 'string', default: FAST_TRAIN_DEFAULTS.embeddings },
    'negated-factor': { type: 'string' },
    tune: { type: 'boolean', default: FAST_TRAIN_DEFAULTS.tune },
    tier: { type: 'string', default: 'both' },
    cache: { type: 'string', default: EMBED_CACHE_DIR },
    // Comma-separated languages: refit only their accurate heads, keep the rest of heads.json.
    refit: { type: 'string' },
    // The packed language DB is rebuilt by the full run; the CI fixture run skips it.
    'lang-db': { type: 'boolean', default: FAST_TRAIN_DEFAULTS['lang-db'] },
  },
});
const { tier, cache, refit, ...fast } = values;
if (!['fast', 'accurate', 'both'].includes(tier)) {
  throw new Error(`--tier: expected fast, accurate or both, got "${tier}"`);
}
if (tier !== 'accurate') await trainFastTier(fast);
if (tier !== 'fast') {
  const accurateDir = join(values.out, 'accurate');
  if (!existsSync(join(accurateDir, 'encoder.onnx')) || !existsSync(cache)) {
    process.stdout.write(
      `accurate tier not retrained: it needs the encoder in ${accurateDir} and the embedding cache in ${cache} (npm run embed:sentiment)\n`,
    );
    if (tier === 'accurate') process.exitCode = 1;
  } else {
    trainAccurateTier({
      data: values.data,
      out: accurateDir,
      cache,
      ...(refit !== undefined ? { refit: refit.split(',') } : {}),
    });
  }
}
