import type { SentimentLabel } from '../../core/contracts/mention.ts';

/**
 * What the harness needs of the sentiment a mention gets: its pool is built from the project's
 * own enricher by scripts/lib-alerts-sentiment-pool.ts (the enricher is not alerts' to import).
 */

/** What a mention is, in truth: the demo's phrase sets. `incident` is an outage complaint. */
export type TrueKind = 'pos' | 'neu' | 'neg' | 'incident';
export const TRUE_KINDS: readonly TrueKind[] = ['pos', 'neu', 'neg', 'incident'];

export interface SentimentPool {
  /** Cumulative language weights and, per language and true kind, the enricher's labels. */
  draw(kind: TrueKind, rng: () => number): SentimentLabel;
  /** Share of each enricher label per true kind (for the report). */
  confusion: Record<TrueKind, Record<SentimentLabel, number>>;
  texts: number;
}
