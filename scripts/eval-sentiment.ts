import { parseArgs } from 'node:util';
import { EVAL_DEFAULTS, evaluateSentiment } from '../training/sentiment/evaluate.ts';

/**
 * `npm run eval:sentiment [-- --data <dir>] [--model <dir>] [--no-write]`
 *
 * Scores every dev split with earshot and the off-the-shelf tools and writes the table into
 * docs/benchmarks.md; the work is in training/sentiment/evaluate.ts.
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: EVAL_DEFAULTS.data },
    model: { type: 'string', default: EVAL_DEFAULTS.model },
    'no-write': { type: 'boolean', default: EVAL_DEFAULTS['no-write'] },
  },
});
await evaluateSentiment(values);
