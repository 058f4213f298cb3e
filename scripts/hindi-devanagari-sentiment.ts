import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SentenceEncoder } from '../enrich/sentiment/accurate/encoder.ts';
import { ACCURATE_MODEL_DIR } from '../enrich/sentiment/accurate/paths.ts';
import { UnigramTokenizer } from '../enrich/sentiment/accurate/tokenizer.ts';
import { MARKERS, WORDS, isRomanisedHindi } from '../enrich/sentiment/romanised.ts';
import { tokenize } from '../enrich/sentiment/text.ts';
import {
  argmax,
  f1Of,
  fitHead,
  foldsOf,
  languageWeights,
  logitsOf,
  standardize,
  standardizer,
  type HeadRow,
} from '../training/sentiment/accurate.ts';
import { OWN_L2_GRID } from '../training/sentiment/accurate-tier.ts';
import { DEFAULT_DATA_DIR } from '../training/sentiment/data.ts';
import { hinglishToDevanagari } from '../training/sentiment/devanagari.ts';
import { EMBED_CACHE_DIR, readEmbedCache } from '../training/sentiment/encoder/cache.ts';

/**
 * `npx tsx scripts/hindi-devanagari-sentiment.ts [-- --data dir] [--cache dir]`
 *
 * Whether the accurate tier reads romanised Hindi better in Devanagari (training/sentiment/
 * devanagari.ts), measured on umsab_hi **train** only, from the embedding cache of
 * `npm run embed:sentiment`: the same rows encoded as written and with their Hindi words in
 * Devanagari (English words, those of stopwords-iso and the English lexicon, kept; cached in
 * `umsab_hi.train.devanagari.f32`), each scored (1) zero-shot by a shared head fitted on the other
 * languages only, which no Hindi label reached, and (2) out of fold (3 folds × 3 seeds) by a
 * Hindi head pulled towards the shared head, at each strength of OWN_L2_GRID; macro-F1 on all
 * rows and on those with two Hindi markers (the ones the runtime sends to the Hindi head).
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    cache: { type: 'string', default: EMBED_CACHE_DIR },
  },
});
const CLASSES = ['neg', 'neu', 'pos'];
const cached = readEmbedCache(values.data, values.cache);
const dims = cached[0]!.dims;
const raw: HeadRow[] = cached.flatMap((c) =>
  c.rows.map((r, i) => ({
    lang: r.lang,
    y: CLASSES.indexOf(r.label),
    x: c.x.subarray(i * dims, (i + 1) * dims),
  })),
);
const std = standardizer(raw, dims);
const rows = standardize(raw, std);
const hi = cached.find((c) => c.set === 'umsab_hi');
if (hi === undefined) throw new Error('no umsab_hi train rows in the embedding cache');

// The Devanagari reading of the same rows, encoded once by the runtime's encoder.
const devPath = join(values.cache, 'umsab_hi.train.devanagari.f32');
const require = createRequire(import.meta.url);
const english = new Set<string>([
  ...(require('stopwords-iso') as Record<string, string[]>).en!,
  ...Object.keys(
    (
      JSON.parse(
        readFileSync(new URL('../enrich/sentiment/model/lexicons.json', import.meta.url), 'utf8'),
      ) as Record<string, Record<string, number>>
    ).en!,
  ),
]);
const texts = hi.rows.map((r) =>
  hinglishToDevanagari(r.text, english, new Set([...MARKERS, ...WORDS])),
);
if (!existsSync(devPath)) {
  const tokenizer = UnigramTokenizer.load(join(ACCURATE_MODEL_DIR, 'tokenizer.json'));
  const encoder = await SentenceEncoder.load(join(ACCURATE_MODEL_DIR, 'encoder.onnx'), tokenizer);
  const x = new Float32Array(texts.length * dims);
  for (let s = 0; s < texts.length; s += 256) {
    const e = await encoder.embed(texts.slice(s, s + 256));
    e.forEach((v, k) => x.set(v, (s + k) * dims));
  }
  await encoder.close();
  writeFileSync(devPath, Buffer.from(x.buffer));
}
const buf = readFileSync(devPath);
const devX = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
if (devX.length !== texts.length * dims) throw new Error(`${devPath} is stale: delete it`);

const hiRows = rows.filter((r) => r.lang === 'hi');
const variants: Record<string, HeadRow[]> = {
  'as written': hiRows,
  Devanagari: standardize(
    hiRows.map((r, n) => ({ ...r, x: devX.subarray(n * dims, (n + 1) * dims) })),
    std,
  ),
};
const routed = hi.rows.flatMap((r, i) => (isRomanisedHindi(tokenize(r.text), false) ? [i] : []));
const seen = new Map<string, number>();
const others = rows.filter((r) => {
  if (r.lang === 'hi') return false;
  const n = seen.get(r.lang) ?? 0;
  seen.set(r.lang, n + 1);
  return n < 1200;
});
const zeroShot = fitHead(others, dims, {
  l2: 3e-2,
  iterations: 120,
  weights: languageWeights(others),
});
const shared = fitHead(rows, dims, { l2: 3e-2, iterations: 200, weights: languageWeights(rows) });
const both = (gold: number[], pred: number[]): string =>
  `all ${f1Of(gold, pred).toFixed(3)}, two markers ${f1Of(
    routed.map((i) => gold[i]!),
    routed.map((i) => pred[i]!),
  ).toFixed(3)}`;
process.stdout.write(
  `umsab_hi train: ${hiRows.length} rows, ${routed.length} with two Hindi markers\n`,
);
for (const [name, hr] of Object.entries(variants)) {
  const gold = hr.map((r) => r.y);
  const z = logitsOf(zeroShot, hr, dims).map((l) => argmax(l));
  process.stdout.write(`${name}: zero-shot ${both(gold, z)}\n`);
  for (const l2 of OWN_L2_GRID) {
    const scores: string[] = [];
    for (const seed of [9, 11, 13]) {
      const fold = foldsOf(hr.length, 3, seed);
      const pred = new Array<number>(hr.length);
      for (let f = 0; f < 3; f++) {
        const w = fitHead(
          hr.filter((_, i) => fold[i] !== f),
          dims,
          { l2, iterations: 200, prior: shared },
        );
        hr.forEach((r, i) => {
          if (fold[i] === f) pred[i] = argmax(logitsOf(w, [r], dims)[0]!);
        });
      }
      scores.push(both(gold, pred));
    }
    process.stdout.write(`  Hindi head, l2 ${l2}, out of fold: ${scores.join(' | ')}\n`);
  }
}
