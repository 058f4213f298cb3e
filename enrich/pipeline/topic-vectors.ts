import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../sentiment/index.ts';
import { readWordVectors, type WordVectors } from '../sentiment/embedding.ts';
import { fold, type Token } from '../sentiment/text.ts';
import type { TopicVectors } from '../topics/index.ts';

/**
 * The sentiment model's word-vector table as the topic clusterer reads it (topics/vectors.ts):
 * one word at a time, folded as the table's keys are; its first `dims` dimensions (the table's
 * are PCA components, largest variance first). All 128 are used: with 64, the tuning sets' mean
 * pairwise F1 fell from 0.544 to 0.503 (npm run eval:topics).
 */
export function topicVectorsOf(table: WordVectors, dims = table.dims): TopicVectors {
  const token: Token = { kind: 'word', raw: '', norm: '', start: 0, end: 0 };
  const one = [token];
  const full = new Float64Array(table.dims);
  const d = Math.min(dims, table.dims);
  return {
    dims: d,
    wordVector(word, out) {
      token.raw = word;
      token.norm = fold(word);
      if (table.mean(one, full) === 0) return false;
      for (let k = 0; k < d; k++) out[k] = full[k]!;
      return true;
    },
  };
}

let loaded: TopicVectors | null = null;

/** The table, read once per process (8.8 MB on disk, about 30 MB in memory). */
export function loadTopicVectors(): TopicVectors {
  return (loaded ??= topicVectorsOf(readWordVectors(join(DEFAULT_MODEL_DIR, 'embeddings.bin'))));
}
