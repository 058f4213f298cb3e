import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../enrich/sentiment/index.ts';
import {
  LEXICON_LANGUAGES,
  buildLexicons,
  emojiLexicon,
  emoticonLexicon,
} from './lib-sentiment-lexicons.ts';

/**
 * `npm run train:sentiment [-- --out <dir>]`: builds everything under enrich/sentiment/model/.
 * Deterministic: the same inputs give byte-identical files.
 */
function parseArgs(argv: string[]): { out: string } {
  let out = DEFAULT_MODEL_DIR;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i] ?? out;
  }
  return { out };
}

function main(): void {
  const { out } = parseArgs(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  const write = (name: string, data: unknown): void =>
    writeFileSync(join(out, name), JSON.stringify(data) + '\n');
  write('lexicons.json', buildLexicons());
  write('emoji.json', emojiLexicon());
  write('emoticons.json', emoticonLexicon());
  write('manifest.json', {
    name: 'earshot-sentiment',
    version: '1.0.0',
    languages: [...LEXICON_LANGUAGES],
    files: { lexicons: 'lexicons.json', emoji: 'emoji.json', emoticons: 'emoticons.json' },
  });
  process.stdout.write(`wrote model to ${out}\n`);
}

main();
