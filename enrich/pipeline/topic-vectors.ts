import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../sentiment/index.ts';
import { readWordVectors, type WordVectors } from '../sentiment/embedding.ts';
import { fold, type Token } from '../sentiment/text.ts';
import type { TopicVectors } from '../topics/index.ts';

/**
 * The sentiment model's word-vector table as the topic clusterer reads it (topics/vectors.ts):
 * one word at a time, folded as the table's keys are.
 */
export function topicVectorsOf(table: WordVectors): TopicVectors {
  const token: Token = { kind: 'word', raw: '', norm: '', start: 0, end: 0 };
  const one = [token];
  return {
    dims: table.dims,
    wordVector(word, out) {
      token.raw = word;
      token.norm = fold(word);
      return table.mean(one, out) > 0;
    },
  };
}

let loaded: TopicVectors | null = null;

/** The table, read once per process (8.8 MB on disk, about 30 MB in memory). */
export function loadTopicVectors(): TopicVectors {
  return (loaded ??= topicVectorsOf(readWordVectors(join(DEFAULT_MODEL_DIR, 'embeddings.bin'))));
}
