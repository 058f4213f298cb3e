import { z } from 'zod';
import { LookbackSchema } from '../lookback.ts';

/**
 * `sources.youtube`: comment threads of chosen videos and channels (YouTube has no global
 * comment search). Needs an API key from a Google Cloud project with the YouTube Data API v3.
 */
export const YouTubeConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Env var holding the API key (never the key itself). */
    api_key_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('YOUTUBE_API_KEY'),
    video_ids: z.array(z.string().regex(/^[A-Za-z0-9_-]{6,20}$/, 'a YouTube video id')).default([]),
    /** All threads on a channel's videos (`allThreadsRelatedToChannelId`). */
    channel_ids: z
      .array(z.string().regex(/^UC[A-Za-z0-9_-]{10,40}$/, 'a channel id like UC…'))
      .default([]),
    base_url: z.url().default('https://www.googleapis.com'),
    /** Short intervals are for replay servers; every call is counted against the daily quota. */
    poll_interval_s: z.number().int().min(1).max(86_400).default(900),
    /** First run: how far back to read (then from the cursor). */
    lookback: LookbackSchema,
    /**
     * Units this connector may spend per Pacific day (commentThreads.list costs 1). The default
     * project allocation is 10,000/day shared by everything using the key; leave headroom.
     */
    daily_quota_units: z.number().int().min(1).max(1_000_000).default(8_000),
    /** Pages (100 threads) per video/channel per poll, the first run included. */
    max_pages: z.number().int().min(1).max(50).default(5),
  })
  .refine((c) => c.video_ids.length + c.channel_ids.length > 0, {
    message: 'list at least one of video_ids or channel_ids',
  });
export type YouTubeConfig = z.infer<typeof YouTubeConfigSchema>;
