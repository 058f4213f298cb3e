import { z } from 'zod';

/**
 * What `GET /v1/brands/{brand}/health` answers. One schema for the OpenAPI document, the
 * handler's return type (route() checks it at compile time), the API tests and the web UI,
 * which parses every answer with it. Parsing drops fields the schema does not know (a UI built
 * against this version reads a newer server); the tests hold the route to it exactly
 * (test/integration/api-contracts.int.test.ts: the parse must give back the body unchanged).
 * Field meanings: docs/api.md.
 */

export const Count = z.number().int().nonnegative();
/** A share or score that has no value when nothing was scored (or nothing came before). */
export const Maybe = z.number().nullable();

export const HealthPoint = z.object({
  t: z.iso.datetime().describe('start of the bucket'),
  volume: Count,
  positive: Count,
  neutral: Count,
  negative: Count,
  unscored: Count,
  net_sentiment: Maybe.describe('(positive − negative) / scored, −1..1'),
  engagement: z.number().describe('weighted likes + reposts + replies'),
});
export type HealthPoint = z.infer<typeof HealthPoint>;

export const HealthTotals = z.object({
  volume: Count,
  positive: Count,
  neutral: Count,
  negative: Count,
  unscored: Count,
  positive_share: Maybe,
  neutral_share: Maybe,
  negative_share: Maybe,
  net_sentiment: Maybe,
  net_sentiment_polar: Maybe.describe('(positive − negative) / (positive + negative)'),
  engagement: z.number(),
  reach_estimate: z.number().describe('sum of author followers where the source tells them'),
  unique_authors: z.number().nullable(),
});
export type HealthTotals = z.infer<typeof HealthTotals>;

export const HealthResponse = z.object({
  workspace: z.string(),
  brand: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  interval: z.string().describe('bucket length, e.g. "60m"'),
  tz: z.string().describe('the reporting time zone days and weeks are split in (IANA)'),
  series: z.array(HealthPoint),
  totals: HealthTotals,
  previous: HealthTotals.describe('the period of the same length just before'),
  change: z.object({
    volume_pct: Maybe,
    net_sentiment_delta: Maybe,
    negative_share_delta: Maybe,
    engagement_pct: Maybe,
  }),
  mix: z.object({
    sources: z.array(z.object({ source: z.string(), volume: Count })),
    languages: z.array(z.object({ lang: z.string(), volume: Count })),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
