/**
 * The sentiment stage's public face; the parts live one concept per file:
 * `scorer.ts` (scoring a mention), `manifest.ts` (the model's manifest schema), `loaders.ts`
 * (reading and checking the model files), `merge.ts` (merging the explanation items).
 */
export {
  DEFAULT_MODEL_DIR,
  createScorer,
  loadSentimentScorer,
  type SentimentScorer,
} from './scorer.ts';
export { ManifestSchema, type SentimentManifest } from './manifest.ts';
export { MAX_EXPLANATION_ITEMS, mergeExplanation } from './merge.ts';
