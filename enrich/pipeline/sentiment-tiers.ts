import { describeError } from '../../core/errors.ts';
import { TierGovernor, type SentimentTier } from '../sentiment/tiers.ts';
import type { SentimentTiers } from './batch.ts';

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
    const accurate = await loadAccurateScorer({ modelDir: options.modelDir });
    return {
      accurate,
      governor: new TierGovernor(tier, options.budgetMs, options.fullBatch),
      onError: options.onError,
    };
  } catch (error) {
    if (tier === 'accurate') throw error;
    options.onUnavailable?.(describeError(error));
    return null;
  }
}
