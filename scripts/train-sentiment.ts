import { parseArgs } from 'node:util';
import { FAST_TRAIN_DEFAULTS, trainFastTier } from '../training/sentiment/fast.ts';

/**
 * `npm run train:sentiment [-- --data <dir>] [--out <dir>] [--bits n] [--epochs n] [--folds k] [--tune]`
 *
 * Rebuilds the sentiment model under enrich/sentiment/model/ from the train splits; the work is
 * in training/sentiment/ (fast.ts). Deterministic: the same data and seed give the same files.
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
    // The packed language DB is rebuilt by the full run; the CI fixture run skips it.
    'lang-db': { type: 'boolean', default: FAST_TRAIN_DEFAULTS['lang-db'] },
  },
});
await trainFastTier(values);
