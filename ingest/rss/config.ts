import { z } from 'zod';
import { LookbackSchema } from '../lookback.ts';

const FeedSchema = z.union([
  z.url().transform((url) => ({ url, name: null as string | null })),
  z.object({ url: z.url(), name: z.string().max(200).nullable().default(null) }),
]);

/**
 * `sources.rss`: RSS 2.0 / Atom feeds, including Google Alerts ("Deliver to: RSS feed").
 * No credentials: a Google Alerts feed URL is itself the secret, so keep the config private.
 */
export const RssConfigSchema = z.object({
  enabled: z.boolean().default(true),
  feeds: z.array(FeedSchema).min(1),
  /** Feeds are cheap with conditional GET (a 304 has no body), but news sites still ask ≥ 5 min. */
  poll_interval_s: z.number().int().min(1).max(86_400).default(300),
  /** First read of a feed: items older than this are not produced (undated ones are). */
  lookback: LookbackSchema,
  requests_per_minute: z.number().int().min(1).max(600).default(30),
});
export type RssConfig = z.infer<typeof RssConfigSchema>;
