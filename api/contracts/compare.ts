import { z } from 'zod';
import { Count, Maybe } from './health.ts';

/**
 * What `GET /v1/compare` answers (see health.ts for how these schemas are used). Shares carry
 * 95 % Wilson intervals; per-bucket maps are keyed by brand id.
 */

export const Estimate = z.object({
  value: Maybe,
  ci95: z
    .tuple([z.number(), z.number()])
    .nullable()
    .describe('95 % interval (Wilson for shares, t for a mean); null with too little data'),
});
export type Estimate = z.infer<typeof Estimate>;

/** A test at 95 % of one figure against another (store/queries/significance.ts). */
export const Verdict = z.object({
  verdict: z.enum(['higher', 'lower', 'no_clear_difference', 'too_little_data']),
  p_value: z.number().nullable().describe('two-sided; null when there was too little data'),
});
export type Verdict = z.infer<typeof Verdict>;

/** A brand's figures for one period. */
const PeriodFigures = z.object({
  volume: Count,
  share_of_voice: Estimate,
  positive_share: Estimate,
  negative_share: Estimate,
  net_sentiment: Maybe,
  engagement: z.number(),
  engagement_per_mention: Estimate,
  reach_estimate: z.number(),
});

export const CompareBrand = PeriodFigures.extend({
  brand: z.string(),
  name: z.string(),
  previous: PeriodFigures.describe('the period before, cut to the same elapsed time'),
  change: z.object({
    volume_pct: Maybe,
    share_of_voice_delta: Maybe,
    positive_share_delta: Maybe,
    negative_share_delta: Maybe,
    net_sentiment_delta: Maybe,
    engagement_per_mention_pct: Maybe,
  }),
  vs_previous: z
    .object({
      volume: Verdict,
      share_of_voice: Verdict,
      positive_share: Verdict,
      negative_share: Verdict,
      engagement_per_mention: Verdict,
    })
    .describe('against its own previous period'),
  vs_reference: z
    .object({
      brand: z.string(),
      volume: Verdict,
      positive_share: Verdict,
      negative_share: Verdict,
      engagement_per_mention: Verdict,
    })
    .nullable()
    .describe('against the reference brand (the first named); null for the reference itself'),
});
export type CompareBrand = z.infer<typeof CompareBrand>;

const ByBrand = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

export const ComparePoint = z.object({
  t: z.iso.datetime(),
  volumes: ByBrand(Count),
  share_of_voice: ByBrand(Maybe),
  net_sentiment: ByBrand(Maybe),
});

export const CompareResponse = z.object({
  workspace: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  interval: z.string(),
  tz: z.string().describe('the reporting time zone days and weeks are split in (IANA)'),
  reference: z.string().describe('the brand the verdicts compare against (the first named)'),
  brands: z.array(CompareBrand),
  series: z.array(ComparePoint),
  coverage: z.object({
    data_since: z.iso.datetime().nullable().describe('the first stored mention of these brands'),
    complete: z.boolean().describe('false when the range starts before the data does'),
    previous_complete: z.boolean().describe('the same for the previous period'),
  }),
});
export type CompareResponse = z.infer<typeof CompareResponse>;
