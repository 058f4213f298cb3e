import { z } from 'zod';
import type { MentionInput } from '../../core/contracts/mention.ts';
import { InvalidMessageError } from '../../core/errors.ts';
import { parseItem } from '../http/json.ts';
import { epochSecondsToIso } from '../text/time.ts';

const ThingSchema = z.object({
  kind: z.enum(['t1', 't3']),
  data: z.object({
    id: z.string(),
    name: z.string().regex(/^t[13]_[a-z0-9]+$/),
    author: z.string().nullish(),
    author_fullname: z.string().nullish(),
    created_utc: z.number(),
    permalink: z.string().startsWith('/'),
    subreddit: z.string().optional(),
    score: z.number().int().nullish(),
    // posts
    title: z.string().optional(),
    selftext: z.string().optional(),
    num_comments: z.number().int().nullish(),
    over_18: z.boolean().optional(),
    // comments
    body: z.string().optional(),
    parent_id: z.string().optional(),
    link_id: z.string().optional(),
  }),
});

const GONE = new Set(['[deleted]', '[removed]']);

/** When the listing is newest first, these say where an item sits (for the cursor). */
export function thingPosition(raw: unknown): { id: string; atMs: number } | null {
  const parsed = ThingSchema.safeParse(raw);
  return parsed.success
    ? { id: parsed.data.data.name, atMs: Math.round(parsed.data.data.created_utc * 1000) }
    : null;
}

/**
 * A listing child (t3 post or t1 comment) → Mention. Text is markdown as written. Removed or
 * deleted bodies are skipped; NSFW posts only when enabled.
 */
export function normalizeRedditThing(
  raw: unknown,
  options: { fetchedAt: Date; includeNsfw: boolean },
): MentionInput | null {
  const thing = parseItem(ThingSchema, raw, 'reddit thing');
  const d = thing.data;
  if (d.over_18 && !options.includeNsfw) return null;
  const author = d.author && !GONE.has(d.author) ? d.author : null;
  let text: string;
  let title: string | null = null;
  if (thing.kind === 't3') {
    title = d.title?.trim() || null;
    if (!title) throw new InvalidMessageError('reddit post without a title');
    const self = d.selftext && !GONE.has(d.selftext.trim()) ? d.selftext.trim() : '';
    text = self ? `${title}\n\n${self}` : title;
  } else {
    const body = d.body?.trim() ?? '';
    if (body === '' || GONE.has(body)) return null;
    text = body;
  }
  return {
    id: `reddit:${d.name}`,
    source: 'reddit',
    url: `https://www.reddit.com${d.permalink}`,
    author: { id: d.author_fullname ?? null, handle: author, display_name: null, followers: null },
    text,
    title,
    lang: null,
    created_at: epochSecondsToIso(d.created_utc, 'created_utc'),
    fetched_at: options.fetchedAt.toISOString(),
    engagement: {
      likes: Math.max(0, d.score ?? 0),
      reposts: 0,
      replies: Math.max(0, d.num_comments ?? 0),
      views: null,
    },
    parent_id: thing.kind === 't1' && d.parent_id ? `reddit:${d.parent_id}` : null,
  };
}
