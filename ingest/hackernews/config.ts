import { z } from 'zod';
import { LookbackDurationSchema, LookbackSchema } from '../lookback.ts';

/** `sources.hackernews` in earshot.config.yaml. No credentials: Algolia's HN search is public. */
export const HackerNewsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Algolia full-text queries; each is polled separately with its own cursor. */
    queries: z.array(z.string().min(1).max(500)).min(1),
    /** Algolia `tags` filter; `(story,comment)` = stories OR comments. */
    tags: z.string().default('(story,comment)'),
    base_url: z.url().default('https://hn.algolia.com'),
    poll_interval_s: z.number().int().min(1).max(86_400).default(120),
    /** First run: how far back to read (then from the cursor). */
    lookback: LookbackDurationSchema.optional(),
    /** The older spelling of `lookback`, in seconds; `lookback` wins when both are set. */
    lookback_s: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional(),
    /** Re-query this much before the cursor: Algolia indexes with a lag, so late items still land. */
    overlap_s: z.number().int().min(0).max(3_600).default(60),
    hits_per_page: z.number().int().min(1).max(1_000).default(100),
    /** Pages per query per poll, the first run included (Algolia caps a query at ~1,000 hits). */
    max_pages: z.number().int().min(1).max(50).default(10),
    /** Documented limit is ~10,000 requests/hour per IP; we stay far below. */
    requests_per_minute: z.number().int().min(1).max(1_000).default(60),
  })
  .transform(({ lookback_s, ...c }) => ({
    ...c,
    lookback:
      c.lookback ??
      (lookback_s !== undefined ? lookback_s * 1000 : LookbackSchema.parse(undefined)),
  }));
export type HackerNewsConfig = z.infer<typeof HackerNewsConfigSchema>;
