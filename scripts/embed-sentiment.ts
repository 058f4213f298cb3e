import { parseArgs } from 'node:util';
import {
  DEFAULT_PER_SET,
  EMBED_CACHE_DIR,
  buildEmbedCache,
} from '../training/sentiment/encoder/cache.ts';
import { DEFAULT_DATA_DIR } from '../training/sentiment/data.ts';

/**
 * `npm run embed:sentiment [-- --data <dir>] [--out <dir>] [--per-set n]`
 *
 * Encodes the labelled data once with the accurate tier's encoder into .cache/ (the heads of
 * `npm run train:sentiment` are fitted from it); resumes where an earlier run stopped.
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    out: { type: 'string', default: EMBED_CACHE_DIR },
    'per-set': { type: 'string', default: String(DEFAULT_PER_SET) },
    // Comma-separated set names (default: all), so two processes can share the work.
    sets: { type: 'string' },
    // Dev splits too, for analyses (training never reads them).
    dev: { type: 'boolean', default: false },
  },
});
await buildEmbedCache({
  data: values.data,
  out: values.out,
  perSet: Number(values['per-set']),
  sets: values.sets?.split(','),
  dev: values.dev,
});
