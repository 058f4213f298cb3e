import { z } from 'zod';
import { LookbackSchema } from '../lookback.ts';

const TimelineSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('public'),
    /** Only this instance's posts, or only remote ones (default: both). */
    local: z.boolean().default(false),
    remote: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('hashtag'),
    tag: z
      .string()
      .transform((t) => t.replace(/^#/, ''))
      .pipe(z.string().regex(/^[\p{L}\p{N}_]{1,100}$/u, 'a hashtag without spaces')),
    local: z.boolean().default(false),
  }),
]);
export type MastodonTimeline = z.infer<typeof TimelineSchema>;

/**
 * `sources.mastodon`: one instance, any number of public/hashtag timelines. REST polling works
 * anonymously where the instance allows public preview; a user token (`read:statuses`) is
 * needed when it does not, and for streaming (Mastodon ≥ 4.2 removed anonymous streams).
 */
export const MastodonConfigSchema = z.object({
  enabled: z.boolean().default(true),
  base_url: z.url().default('https://mastodon.social'),
  timelines: z
    .array(TimelineSchema)
    .min(1)
    .default([{ type: 'public', local: false, remote: false }]),
  /** Env var holding a user access token with `read:statuses` (never the token itself). */
  token_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  /** With a token, listen on the streaming API and use REST only to backfill gaps. */
  streaming: z.boolean().default(true),
  /** Where the streaming API lives when it is not the instance host (`configuration.urls.streaming`). */
  streaming_url: z.url().optional(),
  /** Mastodon sends a heartbeat on idle streams; silence this long means a dead connection. */
  stream_idle_timeout_s: z.number().int().min(5).max(3_600).default(120),
  poll_interval_s: z.number().int().min(1).max(86_400).default(60),
  /** First run: how far back to read (then from the cursor). */
  lookback: LookbackSchema,
  /** Statuses per page; Mastodon's maximum is 40. */
  page_limit: z.number().int().min(1).max(40).default(40),
  /** Pages per timeline per poll, the first run included. */
  max_pages: z.number().int().min(1).max(100).default(10),
  /** Mastodon allows 300 requests / 5 min per IP and per account; keep headroom. */
  requests_per_5min: z.number().int().min(1).max(300).default(200),
  /** Skip authors who opted out of search-engine indexing (`account.noindex`). */
  respect_noindex: z.boolean().default(true),
});
export type MastodonConfig = z.infer<typeof MastodonConfigSchema>;

export function timelineKey(t: MastodonTimeline): string {
  return t.type === 'public'
    ? `public${t.local ? ':local' : ''}${t.remote ? ':remote' : ''}`
    : `hashtag:${t.tag.toLowerCase()}${t.local ? ':local' : ''}`;
}
