import { z } from 'zod';
import type { MentionInput } from '../../core/contracts/mention.ts';
import { parseItem } from '../http/json.ts';
import { htmlToText } from '../text/html.ts';
import { epochSecondsToIso } from '../text/time.ts';

/** One Algolia hit, as documented (fields are nullable in practice: deleted items, Ask HN). */
export const HackerNewsHitSchema = z.object({
  objectID: z.string().min(1),
  created_at_i: z.number().int().positive(),
  created_at: z.string().optional(),
  title: z.string().nullish(),
  url: z.string().nullish(),
  author: z.string().nullish(),
  points: z.number().int().nullish(),
  num_comments: z.number().int().nullish(),
  story_id: z.number().int().nullish(),
  story_title: z.string().nullish(),
  story_text: z.string().nullish(),
  comment_text: z.string().nullish(),
  parent_id: z.number().int().nullish(),
  _tags: z.array(z.string()).default([]),
});
export type HackerNewsHit = z.infer<typeof HackerNewsHitSchema>;

/**
 * Algolia hit → Mention. Stories: text is the title plus the self-post text, the URL is the
 * HN discussion (where the talk is), not the linked article. Comments: HTML body → text,
 * parent is the item replied to. Deleted items (no text, no title) are skipped.
 */
export function normalizeHackerNewsHit(raw: unknown, fetchedAt: Date): MentionInput | null {
  const hit = parseItem(HackerNewsHitSchema, raw, 'hackernews hit');
  const isComment = hit._tags.includes('comment') || (hit.comment_text != null && !hit.title);
  const body = htmlToText((isComment ? hit.comment_text : hit.story_text) ?? '');
  const title = isComment ? null : (hit.title?.trim() ?? null) || null;
  const text = [title, body].filter((part): part is string => !!part).join('\n\n');
  if (text === '') return null;
  return {
    id: `hackernews:${hit.objectID}`,
    source: 'hackernews',
    url: `https://news.ycombinator.com/item?id=${encodeURIComponent(hit.objectID)}`,
    author: {
      id: hit.author ?? null,
      handle: hit.author ?? null,
      display_name: null,
      followers: null,
    },
    text,
    title,
    lang: null,
    created_at: epochSecondsToIso(hit.created_at_i, 'created_at_i'),
    fetched_at: fetchedAt.toISOString(),
    engagement: {
      likes: Math.max(0, hit.points ?? 0),
      reposts: 0,
      replies: Math.max(0, hit.num_comments ?? 0),
      views: null,
    },
    parent_id: isComment && hit.parent_id != null ? `hackernews:${hit.parent_id}` : null,
  };
}
