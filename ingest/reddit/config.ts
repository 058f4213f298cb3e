import { z } from 'zod';
import { LookbackSchema } from '../lookback.ts';

const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an env var name like REDDIT_CLIENT_ID');

/**
 * `sources.reddit`: OAuth app-only ("client_credentials"). Since Nov 2025 new API clients need
 * Reddit's approval, so this connector runs only when credentials are configured.
 */
export const RedditConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    client_id_env: EnvName.default('REDDIT_CLIENT_ID'),
    client_secret_env: EnvName.default('REDDIT_CLIENT_SECRET'),
    /** Reddit requires `<platform>:<app ID>:<version> (by /u/<user>)`; generic agents get throttled. */
    user_agent: z
      .string()
      .regex(
        /^.+:.+:.+ \(by \/u\/[A-Za-z0-9_-]+\)$/,
        'format: <platform>:<app id>:<version> (by /u/<user>)',
      ),
    /** Site-wide searches (sort=new). */
    queries: z.array(z.string().min(1).max(512)).default([]),
    /** Subreddits whose new posts are read (`/r/<sub>/new`). */
    subreddits: z.array(z.string().regex(/^[A-Za-z0-9_]{2,21}$/)).default([]),
    /** Also read the newest comments of those subreddits (`/r/<sub>/comments`). */
    subreddit_comments: z.boolean().default(true),
    include_nsfw: z.boolean().default(false),
    api_base_url: z.url().default('https://oauth.reddit.com'),
    auth_base_url: z.url().default('https://www.reddit.com'),
    poll_interval_s: z.number().int().min(1).max(86_400).default(120),
    /** First run: how far back to read (then from the cursor). */
    lookback: LookbackSchema,
    /** Pages (100 items) per listing per poll, the first run included. */
    max_pages: z.number().int().min(1).max(10).default(3),
    /** The free tier allows 100 queries/min per client id. */
    requests_per_minute: z.number().int().min(1).max(100).default(60),
  })
  .refine((c) => c.queries.length + c.subreddits.length > 0, {
    message: 'list at least one of queries or subreddits',
  });
export type RedditConfig = z.infer<typeof RedditConfigSchema>;
