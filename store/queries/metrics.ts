/**
 * Metric definitions, each a documented formula. Every query that reports one of these
 * calls the function here, so the number means the same thing everywhere.
 */

export interface SentimentCounts {
  positive: number;
  neutral: number;
  negative: number;
}

/**
 * Net sentiment = (pos − neg) / (pos + neu + neg), in [-1, 1]. Mentions we could not score
 * (`unscored`) count in volume but not here. Null when nothing was scored.
 */
export function netSentiment({ positive, neutral, negative }: SentimentCounts): number | null {
  const scored = positive + neutral + negative;
  return scored === 0 ? null : round4((positive - negative) / scored);
}

export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
