import { z } from 'zod';
import { Count, Maybe } from './health.ts';

/**
 * What `GET /v1/compare` answers (see health.ts for how these schemas are used). Shares carry
 * 95 % Wilson intervals; per-bucket maps are keyed by brand id.
 */

export const Estimate = z.object({
  value: Maybe,
  ci95: z.tuple([z.number(), z.number()]).nullable().describe('95 % Wilson interval'),
});
export type Estimate = z.infer<typeof Estimate>;

export const CompareBrand = z.object({
  brand: z.string(),
  name: z.string(),
  volume: Count,
  share_of_voice: Estimate,
  positive_share: Estimate,
  negative_share: Estimate,
  net_sentiment: Maybe,
  engagement: z.number(),
  reach_estimate: z.number(),
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
  brands: z.array(CompareBrand),
  series: z.array(ComparePoint),
});
export type CompareResponse = z.infer<typeof CompareResponse>;
