import { z } from 'zod';

/**
 * `sources.bluesky`: the Jetstream firehose (public, no credentials). Every public post on the
 * network arrives here, so the runtime passes the watch-query matcher as a filter and only
 * matching posts are produced.
 */
export const BlueskyConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** A Jetstream instance; the four official ones are jetstream{1,2}.{us-east,us-west}.bsky.network. */
  base_url: z
    .url()
    .refine((u) => /^(wss?|https?):\/\//.test(u), 'must be a ws:// or wss:// URL')
    .default('wss://jetstream2.us-east.bsky.network'),
  /** Only these accounts (max 10,000 per Jetstream); empty = everyone. */
  wanted_dids: z.array(z.string().startsWith('did:')).max(10_000).default([]),
  /** Events handled between cursor saves (and mentions per produce, at most). */
  batch_size: z.number().int().min(1).max(10_000).default(500),
  /** A batch is flushed after this long even if not full, so quiet filters still save progress. */
  batch_max_wait_ms: z.number().int().min(10).max(60_000).default(1_000),
  /** Jetstream is at-least-once; on reconnect rewind this far behind the saved time_us. */
  rewind_s: z.number().int().min(0).max(3_600).default(5),
  /** Silence this long = a dead connection (the firehose never pauses for seconds). */
  idle_timeout_s: z.number().int().min(1).max(3_600).default(60),
  /** A client clock this far ahead of the server's time_us is not believed. */
  max_clock_skew_s: z.number().int().min(0).max(86_400).default(300),
  /**
   * Look up the handle, display name and followers of the authors of matching posts (the
   * firehose names them by DID only). Off = authors stay DIDs, no profile lookups.
   */
  resolve_profiles: z.boolean().default(true),
  /**
   * The AppView answering `app.bsky.actor.getProfiles` and, for the engagement refresh,
   * `app.bsky.feed.getPosts` (public, no credentials).
   */
  appview_url: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .default('https://public.api.bsky.app'),
  /** Authors remembered; an active brand's posters are mostly the same people day to day. */
  profile_cache_size: z.number().int().min(100).max(1_000_000).default(50_000),
  /** How long a looked-up profile is trusted before it is asked for again. */
  profile_ttl_s: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  /** Per-request timeout; a slow AppView must not hold up the stream. */
  profile_timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
  /** After a failed lookup, posts go out with DIDs only for this long before trying again. */
  profile_pause_s: z.number().int().min(1).max(3_600).default(60),
});
export type BlueskyConfig = z.infer<typeof BlueskyConfigSchema>;
