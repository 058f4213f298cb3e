/**
 * Which tier scores which mention of a batch.
 *
 * - `fast`: every mention by the fast tier (rules + linear model, ~20,000 texts/s per core);
 * - `accurate`: every mention the accurate tier knows the language of, by it (~100 texts/s per core);
 * - `auto`: the accurate tier while the stage keeps up, the fast tier when it falls behind, so a
 *   burst never stalls ingestion. Per batch: a full batch means the consumer has more waiting
 *   (a backlog) → fast for all of it; otherwise the first mentions the time budget covers, at the
 *   measured cost per text, go to the accurate tier and the rest to the fast one.
 * `sentiment.model` says which tier scored each mention.
 */
export const SENTIMENT_TIERS = ['fast', 'accurate', 'auto'] as const;
export type SentimentTier = (typeof SENTIMENT_TIERS)[number];

export interface TierPlanInput {
  tier: SentimentTier;
  /** Mentions in the batch. */
  n: number;
  /** Time the accurate tier may take per batch (auto). */
  budgetMs: number;
  /** The accurate tier's measured cost per text. */
  msPerText: number;
  /** The consumer's batch limit: a batch this full means a backlog (auto → fast). */
  fullBatch?: number;
}

/** How many of the batch's mentions (its first ones) the accurate tier scores. */
export function planAccurate(p: TierPlanInput): number {
  if (p.tier === 'fast' || p.n === 0) return 0;
  if (p.tier === 'accurate') return p.n;
  if (p.fullBatch !== undefined && p.n >= p.fullBatch) return 0;
  const affordable = Math.floor(p.budgetMs / Math.max(p.msPerText, 1e-3));
  return Math.max(0, Math.min(p.n, affordable));
}

/** A first guess of the accurate tier's cost, before anything is measured (2 cores, int8). */
export const INITIAL_MS_PER_TEXT = 10;
/** Weight of the newest measurement in the running cost estimate. */
const EWMA = 0.3;

/**
 * The auto tier's state: the running estimate of the accurate tier's cost per text, updated
 * after every accurate batch (a slower machine or longer texts move it within a few batches).
 */
export class TierGovernor {
  private msPerTextEstimate = INITIAL_MS_PER_TEXT;

  constructor(
    readonly tier: SentimentTier,
    private readonly budgetMs: number,
    private readonly fullBatch?: number,
  ) {}

  get msPerText(): number {
    return this.msPerTextEstimate;
  }

  plan(n: number): number {
    return planAccurate({
      tier: this.tier,
      n,
      budgetMs: this.budgetMs,
      msPerText: this.msPerTextEstimate,
      fullBatch: this.fullBatch,
    });
  }

  record(texts: number, ms: number): void {
    if (texts <= 0) return;
    this.msPerTextEstimate = (1 - EWMA) * this.msPerTextEstimate + EWMA * (ms / texts);
  }
}

export function parseTier(value: string, where: string): SentimentTier {
  if ((SENTIMENT_TIERS as readonly string[]).includes(value)) return value as SentimentTier;
  throw new Error(
    `${where}: unknown sentiment tier "${value}" (use ${SENTIMENT_TIERS.join(', ')})`,
  );
}
