import { describeError } from '../../core/errors.ts';
import { TierGovernor, type SentimentTier } from '../sentiment/tiers.ts';
import type { SentimentTiers } from './batch.ts';
import { lazyTopicEmbedder, TopicMergeScheduler } from './topic-merge.ts';

/**
 * The sentiment tiers for a stage or command. `fast` loads nothing more. `accurate` needs the
 * accurate model and fails with the reason when it cannot load it (it was asked for by name);
 * `auto` then runs the fast tier alone and says why (`onUnavailable`), since the fast tier is
 * its fallback anyway.
 */
export async function loadSentimentTiers(
  tier: SentimentTier,
  options: {
    budgetMs: number;
    /** The consumer's batch limit (a full batch = backlog → fast in auto). */
    fullBatch?: number;
    modelDir?: string;
    onUnavailable?: (reason: string) => void;
    onError?: (error: unknown) => void;
  },
): Promise<SentimentTiers | null> {
  if (tier === 'fast') return null;
  try {
    // Imported here: onnxruntime is loaded only by processes that run the accurate tier.
    const { loadAccurateScorer } = await import('../sentiment/accurate/scorer.ts');
    const scorer = await loadAccurateScorer({ modelDir: options.modelDir });
    // Where the encoder runs for sentiment, topics use it too: one story told in several
    // languages becomes one topic (topics/embed-merge.ts). Its session loads on the first pass.
    const topicMerge = new TopicMergeScheduler(lazyTopicEmbedder({ modelDir: options.modelDir }), {
      // Said as the topics' failure, not the batch's sentiment (its scores stand either way).
      onError: (error) =>
        options.onError?.(new Error(`topic merge pass failed: ${describeError(error)}`)),
    });
    return {
      accurate: {
        ...scorer,
        close: async () => {
          await topicMerge.close();
          await scorer.close();
        },
      },
      governor: new TierGovernor(tier, options.budgetMs, options.fullBatch),
      onError: options.onError,
      topicMerge,
    };
  } catch (error) {
    if (tier === 'accurate') throw error;
    options.onUnavailable?.(describeError(error));
    return null;
  }
}
