import type { EnrichedMention, Mention } from '../../core/contracts/mention.ts';
import { describeError } from '../../core/errors.ts';
import { metrics } from '../../core/metrics.ts';
import { scoringLanguage } from '../language/detect.ts';
import type { AccurateScorer } from '../sentiment/accurate/scorer.ts';
import { GIVEN_MODEL } from './sentiment-choice.ts';
import type { TierGovernor } from '../sentiment/tiers.ts';
import { enrichMention, type Enrichers } from './enrich.ts';
import type { TopicMergeScheduler } from './topic-merge.ts';

/**
 * The sentiment tiers of a stage or command: the accurate scorer (null when only the fast tier
 * runs) and the governor that decides, per batch, how many mentions it scores (tiers.ts).
 */
export interface SentimentTiers {
  accurate: AccurateScorer | null;
  governor: TierGovernor;
  /** Told when the accurate tier failed on a batch (its mentions keep their fast scores). */
  onError?: (error: unknown) => void;
  /**
   * The topics' cross-language merge, with the same encoder model (topic-merge.ts): poked after
   * each batch, it runs beside the stream at a cost per topic cluster, never per mention.
   */
  topicMerge?: TopicMergeScheduler | null;
}

export type BatchResult = { ok: true; value: EnrichedMention } | { ok: false; reason: string };

/**
 * Enrich a batch: every mention through `enrichMention` (fast tier sentiment included), then the
 * mentions the governor gives the accurate tier re-scored by it in one batched call. A failure of
 * the accurate tier leaves the fast scores in place: it never costs a mention.
 */
export async function enrichBatch(
  mentions: readonly Mention[],
  enrichers: Enrichers,
  tiers: SentimentTiers | null | undefined,
): Promise<BatchResult[]> {
  const results: BatchResult[] = mentions.map((mention) => {
    try {
      return { ok: true, value: enrichMention(mention, enrichers) };
    } catch (error) {
      // One mention that trips an enricher is dead-lettered with the reason, not the batch.
      return { ok: false, reason: `enrichment failed: ${describeError(error)}` };
    }
  });
  tiers?.topicMerge?.poke(enrichers.topics);
  const accurate = tiers?.accurate ?? null;
  if (tiers === null || tiers === undefined || accurate === null) return counted(results, 0);
  const k = tiers.governor.plan(mentions.length);
  if (k === 0) return counted(results, 0);
  const eligible: number[] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    // A given label is never re-scored (sentiment-choice.ts): not by the accurate tier either.
    if (r.ok && r.value.sentiment.model.name === GIVEN_MODEL.name) continue;
    if (r.ok && accurate.scores(r.value.lang)) eligible.push(i);
    else if (r.ok && r.value.lang === 'und') eligible.push(i); // scoringLanguage may still place it
  }
  const chosen = spread(eligible, k);
  if (chosen.length === 0) return counted(results, 0);
  const items = chosen.map((i) => {
    const m = (results[i] as { ok: true; value: EnrichedMention }).value;
    return {
      text: m.text,
      lang: scoringLanguage(m.text, {
        lang: m.lang,
        confidence: m.lang_confidence,
        method: 'model',
      }),
      fast: m.sentiment,
    };
  });
  const started = performance.now();
  let rescored = 0;
  try {
    const scored = await accurate.scoreBatch(items);
    tiers.governor.record(chosen.length, performance.now() - started);
    chosen.forEach((i, n) => {
      const s = scored[n];
      if (s !== null && s !== undefined) {
        (results[i] as { ok: true; value: EnrichedMention }).value.sentiment = s;
        rescored++;
      }
    });
  } catch (error) {
    tiers.onError?.(error);
  }
  return counted(results, rescored);
}

/**
 * `k` of `xs`, evenly spread over it. A batch of a backfill or an import is a stretch of time (a
 * quiet brand's days, a busy one's hours): taking its first k mentions scored the start of the
 * stretch by one tier and the rest by the other, and the tiers read a slightly different share
 * of negatives (real posts: 1–2 points), so sentiment charts and alert baselines stepped with
 * the tier (eval:alerts:e2e). Spread, every hour of the stretch has the same mix.
 */
export function spread<T>(xs: readonly T[], k: number): T[] {
  if (k >= xs.length) return [...xs];
  return Array.from({ length: k }, (_, j) => xs[Math.floor(((j + 0.5) * xs.length) / k)]!);
}

/**
 * The tier series (`earshot_stage_sentiment_scored_total`): how many mentions of the batch the
 * accurate tier scored, how many kept a given label, and the rest the fast tier. It shows an
 * operator what `auto` actually ran, and a fallback to fast under load.
 */
function counted(results: BatchResult[], accurate: number): BatchResult[] {
  let given = 0;
  let ok = 0;
  for (const r of results) {
    if (!r.ok) continue;
    ok++;
    if (r.value.sentiment.model.name === GIVEN_MODEL.name) given++;
  }
  const fast = ok - given - accurate;
  if (fast > 0) metrics.sentimentScored.inc({ stage: 'enrich', tier: 'fast' }, fast);
  if (accurate > 0) metrics.sentimentScored.inc({ stage: 'enrich', tier: 'accurate' }, accurate);
  if (given > 0) metrics.sentimentScored.inc({ stage: 'enrich', tier: 'given' }, given);
  return results;
}
