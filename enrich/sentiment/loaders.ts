import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readWordVectors, type WordVectors } from './embedding.ts';
import { COMBINER_INPUTS, HEAD_OFFSET, K, LinearModel, int16View } from './linear.ts';
import type { SentimentManifest } from './manifest.ts';

/** Read and validate one JSON file of the model; every failure names the file. */
export function readJson<T>(path: string, schema: z.ZodType<T>): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`sentiment model file missing or unreadable: ${path}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new Error(`sentiment model file is not valid JSON (corrupt?): ${path}`, { cause });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `sentiment model file has an unexpected shape: ${path}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** A language's word-vector head with each table row projected through it (embedding.ts). */
export interface LoadedHead {
  head: Float32Array;
  proj: Float32Array;
  /** Combiner coefficient of each head logit on (pos − neg), for explanations. */
  polarity: Float64Array;
}

export function readHeads(
  dir: string,
  spec: NonNullable<SentimentManifest['linear']>,
): { vectors: WordVectors; heads: Map<string, LoadedHead> } | null {
  const langs = Object.keys(spec.heads);
  if (langs.length === 0) return null;
  if (spec.embeddings === undefined) {
    throw new Error(
      `sentiment manifest has word-vector heads but no embeddings file: ${join(dir, 'manifest.json')}`,
    );
  }
  const vectors = readWordVectors(join(dir, spec.embeddings.file), spec.embeddings.sha256);
  if (vectors.dims !== spec.embeddings.dims) {
    throw new Error(
      `sentiment word vectors have ${vectors.dims} dimensions, the manifest says ${spec.embeddings.dims}: ${join(dir, spec.embeddings.file)}`,
    );
  }
  vectors.negatedFactor = spec.embeddings.negatedFactor;
  const heads = new Map<string, LoadedHead>();
  for (const lang of langs) {
    const head = Float32Array.from(spec.heads[lang]!);
    const comb = spec.combiners[lang];
    if (comb === undefined) {
      throw new Error(`sentiment manifest: the head for ${lang} has no combiner`);
    }
    const polarity = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      polarity[c] = comb[(HEAD_OFFSET + c) * 3 + 2]! - comb[(HEAD_OFFSET + c) * 3]!;
    }
    heads.set(lang, { head, proj: vectors.project(head), polarity });
  }
  return { vectors, heads };
}

export function readLinear(
  dir: string,
  spec: NonNullable<SentimentManifest['linear']>,
): LinearModel {
  const path = join(dir, spec.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new Error(`sentiment model file missing or unreadable: ${path}`, { cause });
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== spec.sha256) {
    throw new Error(
      `sentiment model file is corrupt (sha256 ${digest.slice(0, 12)}… ≠ manifest): ${path}`,
    );
  }
  const expected = (1 << spec.bits) * K * 2;
  if (bytes.length !== expected) {
    throw new Error(
      `sentiment model file has ${bytes.length} bytes, expected ${expected}: ${path}`,
    );
  }
  const q = int16View(bytes, spec.sparseScale);
  return new LinearModel({
    config: {
      bits: spec.bits,
      charMin: spec.charMin,
      charMax: spec.charMax,
      wordBigrams: spec.wordBigrams,
      charWeight: spec.charWeight,
      charShared: spec.charShared,
      prefix: spec.prefix,
    },
    sparse: q.sparse,
    sparseFactor: q.factor,
    dense: Float32Array.from(spec.dense),
    temperatures: spec.temperatures,
    languages: spec.languages,
    combiners: Object.fromEntries(
      Object.entries(spec.combiners).map(([l, c]) => {
        const w = new Float32Array(COMBINER_INPUTS * K); // absent head rows stay zero
        w.set(c);
        return [l, w];
      }),
    ),
    neutralGate:
      spec.neutralGate === undefined
        ? undefined
        : {
            weights: Float32Array.from(spec.neutralGate.weights),
            languages: spec.neutralGate.languages,
          },
  });
}
