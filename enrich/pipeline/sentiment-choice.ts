import type { Mention, Sentiment } from '../../core/contracts/mention.ts';

/**
 * Where a mention's sentiment comes from. The one rule: **a given label is never re-scored.** A
 * mention imported with `sentiment: pos|neu|neg` (another tool's label, JSONL or CSV) keeps it,
 * marked `model: "given"`, whatever scorer or tier (fast, accurate, auto re-scoring) would run
 * otherwise; only mentions without one reach `score`. Any new way to pick a scorer goes through
 * here, after this check.
 */
export const GIVEN_MODEL = { name: 'given', version: '' } as const;

/** The score a given label stands for: its end of the scale (the label is all we were told). */
const GIVEN_SCORE = { pos: 1, neu: 0, neg: -1 } as const;

export function givenSentiment(label: 'pos' | 'neu' | 'neg'): Sentiment {
  return {
    label,
    score: GIVEN_SCORE[label],
    confidence: 1,
    explanation: [],
    model: { ...GIVEN_MODEL },
  };
}

export function sentimentOf(
  mention: Pick<Mention, 'sentiment'>,
  score: () => Sentiment,
): Sentiment {
  return mention.sentiment !== undefined ? givenSentiment(mention.sentiment) : score();
}

/** Whether a stored sentiment was given (a re-scoring pass must leave it alone). */
export function isGiven(sentiment: Pick<Sentiment, 'model'>): boolean {
  return sentiment.model.name === GIVEN_MODEL.name;
}
