import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SentenceEncoder } from '../../../enrich/sentiment/accurate/encoder.ts';
import { UnigramTokenizer } from '../../../enrich/sentiment/accurate/tokenizer.ts';
import { ACCURATE_MODEL_DIR } from '../../../enrich/sentiment/accurate/paths.ts';
import { rng } from '../train.ts';
import { DEFAULT_DATA_DIR, readSplit, type LabelledRow } from '../data.ts';

/**
 * The accurate tier's embedding cache: a seeded sample of each train split
 * (at most `--per-set` rows, so the 48k English tweets do not take hours on a shared machine),
 * encoded once by the same encoder the enrich stage runs. `npm run train:sentiment` fits the
 * heads from it in seconds; CI never builds it.
 *
 *   npm run embed:sentiment [-- --data dir] [--per-set 2500]
 *
 * One file pair per split file: `<set>.<split>.f32` (n × 384 float32) and `.json` (the row
 * indices into the JSONL file and a hash of their texts, so a changed data file is noticed).
 * Files already there are kept: an interrupted run resumes.
 */
export const EMBED_CACHE_DIR = new URL('../../../.cache/sentiment-embeddings/', import.meta.url)
  .pathname;
export const DEFAULT_PER_SET = 1200;

export interface CachedSplit {
  set: string;
  split: 'train' | 'dev';
  rows: LabelledRow[];
  /** Row i's index in its JSONL file. */
  idx: number[];
  /** Row i's embedding is x[i * dims … (i+1) * dims). */
  x: Float32Array;
  dims: number;
}

/** What the cache records of a split's kept texts, so a changed data file is noticed. */
export function textsHash(rows: readonly LabelledRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(r.text).update('\u0000');
  return h.digest('hex');
}

/** The rows of a split file the cache holds: a seeded sample of train rows (all dev rows, if asked). */
export function cachedRows(
  rows: readonly LabelledRow[],
  split: 'train' | 'dev',
  perSet: number,
  seed = 17,
): number[] {
  const idx = rows.map((_, i) => i);
  if (split === 'dev' || idx.length <= perSet) return idx;
  const rand = rng(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, perSet).sort((a, b) => a - b);
}

/** Reads the cache for every split file of the data directory; missing ones are an error. */
export function readEmbedCache(data = DEFAULT_DATA_DIR, dir = EMBED_CACHE_DIR): CachedSplit[] {
  const out: CachedSplit[] = [];
  for (const split of ['train'] as const) {
    for (const { set, rows } of readSplit(data, split)) {
      const meta = join(dir, `${set}.${split}.json`);
      if (!existsSync(meta)) {
        throw new Error(
          `no cached embeddings for ${set}.${split} in ${dir}: run \`npm run embed:sentiment\``,
        );
      }
      const m = JSON.parse(readFileSync(meta, 'utf8')) as {
        idx: number[];
        hash: string;
        dims: number;
      };
      const kept = m.idx.map((i) => rows[i]!);
      if (textsHash(kept) !== m.hash) {
        throw new Error(
          `cached embeddings for ${set}.${split} do not match the data file: rebuild the cache`,
        );
      }
      const buf = readFileSync(join(dir, `${set}.${split}.f32`));
      const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      if (x.length !== kept.length * m.dims) {
        throw new Error(`cached embeddings for ${set}.${split} are truncated: rebuild the cache`);
      }
      out.push({ set, split, rows: kept, idx: m.idx, x, dims: m.dims });
    }
  }
  return out;
}

/** Builds the missing cache files (see the module comment). */
export async function buildEmbedCache(values: {
  data: string;
  out: string;
  perSet: number;
  /** Only these sets (default all): two processes can share the work. */
  sets?: readonly string[];
  /** Dev too, for analyses (the heads never read it). */
  dev?: boolean;
}): Promise<void> {
  const perSet = values.perSet;
  mkdirSync(values.out, { recursive: true });
  const tokenizer = UnigramTokenizer.load(join(ACCURATE_MODEL_DIR, 'tokenizer.json'));
  const encoder = await SentenceEncoder.load(join(ACCURATE_MODEL_DIR, 'encoder.onnx'), tokenizer);
  // Train only: the heads are fitted on it; the evaluation runs the encoder on dev itself.
  for (const split of values.dev === true ? (['train', 'dev'] as const) : (['train'] as const)) {
    for (const { set, rows } of readSplit(values.data, split)) {
      const base = join(values.out, `${set}.${split}`);
      if (existsSync(`${base}.json`)) continue;
      if (values.sets !== undefined && !values.sets.includes(set)) continue;
      const idx = cachedRows(rows, split, perSet);
      const kept = idx.map((i) => rows[i]!);
      const x = new Float32Array(kept.length * encoder.dims);
      const started = performance.now();
      const CHUNK = 256;
      for (let s = 0; s < kept.length; s += CHUNK) {
        const e = await encoder.embed(kept.slice(s, s + CHUNK).map((r) => r.text));
        e.forEach((v, k) => x.set(v, (s + k) * encoder.dims));
        const secs = (performance.now() - started) / 1000;
        process.stderr.write(
          `\r${set}.${split}: ${Math.min(s + CHUNK, kept.length)}/${kept.length} (${(Math.min(s + CHUNK, kept.length) / secs).toFixed(1)} texts/s)`,
        );
      }
      process.stderr.write('\n');
      writeFileSync(`${base}.f32.tmp`, Buffer.from(x.buffer));
      renameSync(`${base}.f32.tmp`, `${base}.f32`);
      writeFileSync(
        `${base}.json`,
        JSON.stringify({ idx, hash: textsHash(kept), dims: encoder.dims }) + '\n',
      );
    }
  }
  await encoder.close();
}
