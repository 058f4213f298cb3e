import type { Bus, ConsumedMessage } from '../core/bus/port.ts';
import { decodeMention } from '../core/contracts/contract-check.ts';
import type { EnrichedMention, Mention } from '../core/contracts/mention.ts';
import { Topics } from '../core/contracts/topics.ts';
import type { Stage } from '../core/stage-runner.ts';
import { enrichBatch, type SentimentTiers } from './pipeline/batch.ts';
import type { Enrichers } from './pipeline/enrich.ts';

/** mentions.raw.v1 → (language, sentiment, brands, …) → mentions.enriched.v1 */
export function enrichStage(
  bus: Bus,
  enrichers: Enrichers,
  outputTopic: string = Topics.enriched,
  /** The sentiment tiers (absent: the fast tier alone). */
  tiers?: SentimentTiers | null,
): Stage<Mention, EnrichedMention> {
  return {
    name: 'enrich',
    // The contract, with a hand-written check in front for the shape producers write.
    decode: (message: ConsumedMessage) => decodeMention(message),
    // One mention that trips an enricher is dead-lettered with the reason, not the batch.
    process: (mentions: Mention[]) => enrichBatch(mentions, enrichers, tiers),
    deliver: (outputs: EnrichedMention[]) =>
      bus.produce(
        outputTopic,
        outputs.map((m) => ({ key: m.id, value: JSON.stringify(m) })),
      ),
  };
}
