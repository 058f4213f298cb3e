import type { Bus, ConsumedMessage } from '../core/bus/port.ts';
import { decodeJson } from '../core/contracts/codec.ts';
import { MentionSchema, type EnrichedMention, type Mention } from '../core/contracts/mention.ts';
import { Topics } from '../core/contracts/topics.ts';
import { describeError } from '../core/errors.ts';
import type { ProcessResult, Stage } from '../core/stage-runner.ts';
import { enrichMention, type Enrichers } from './pipeline/enrich.ts';

/** mentions.raw.v1 → (language, sentiment, brands, …) → mentions.enriched.v1 */
export function enrichStage(
  bus: Bus,
  enrichers: Enrichers,
  outputTopic: string = Topics.enriched,
): Stage<Mention, EnrichedMention> {
  return {
    name: 'enrich',
    decode: (message: ConsumedMessage) => decodeJson(MentionSchema, message),
    process: (mentions: Mention[]): ProcessResult<EnrichedMention>[] =>
      mentions.map((mention) => {
        try {
          return { ok: true, value: enrichMention(mention, enrichers) };
        } catch (error) {
          // One mention that trips an enricher is dead-lettered with the reason, not the batch.
          return { ok: false, reason: `enrichment failed: ${describeError(error)}` };
        }
      }),
    deliver: (outputs: EnrichedMention[]) =>
      bus.produce(
        outputTopic,
        outputs.map((m) => ({ key: m.id, value: JSON.stringify(m) })),
      ),
  };
}
