import { z } from 'zod';
import type { MentionInput } from '../../core/contracts/mention.ts';
import { parseItem } from '../http/json.ts';
import { htmlToText } from '../text/html.ts';
import { toUtcIso } from '../text/time.ts';

const CommentSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    videoId: z.string().optional(),
    textOriginal: z.string().optional(),
    textDisplay: z.string().default(''),
    authorDisplayName: z.string().optional(),
    authorChannelId: z.object({ value: z.string() }).optional(),
    authorChannelUrl: z.string().optional(),
    likeCount: z.number().int().nonnegative().default(0),
    publishedAt: z.string(),
    updatedAt: z.string().optional(),
    parentId: z.string().optional(),
    /** The channel the comment belongs to: the video's channel. */
    channelId: z.string().optional(),
  }),
});
type Comment = z.infer<typeof CommentSchema>;

/** `commentThreads` resource (part=snippet,replies). */
export const CommentThreadSchema = z.object({
  id: z.string(),
  snippet: z.object({
    videoId: z.string().optional(),
    channelId: z.string().optional(),
    totalReplyCount: z.number().int().nonnegative().default(0),
    topLevelComment: CommentSchema,
  }),
  replies: z.object({ comments: z.array(CommentSchema).default([]) }).optional(),
});

/** One comment ready to normalize: a thread's top-level comment or one of its replies. */
export interface YouTubeComment {
  comment: Comment;
  videoId: string | null;
  totalReplyCount: number;
  parentId: string | null;
  /** The channel of the video commented on (comments on a brand's own videos are owned). */
  channelId?: string | null;
}

/** A thread → its top-level comment first, then the (up to 5) replies the API included. */
export function flattenThread(raw: unknown): YouTubeComment[] {
  const thread = parseItem(CommentThreadSchema, raw, 'youtube comment thread');
  const top = thread.snippet.topLevelComment;
  const videoId = thread.snippet.videoId ?? top.snippet.videoId ?? null;
  const channelId = thread.snippet.channelId ?? top.snippet.channelId ?? null;
  return [
    {
      comment: top,
      videoId,
      totalReplyCount: thread.snippet.totalReplyCount,
      parentId: null,
      channelId,
    },
    ...(thread.replies?.comments ?? []).map((reply) => ({
      comment: reply,
      videoId: reply.snippet.videoId ?? videoId,
      totalReplyCount: 0,
      parentId: top.id,
      channelId: reply.snippet.channelId ?? channelId,
    })),
  ];
}

/**
 * A `comments.list` item (a reply, for the engagement refresh) → the same shape a thread's
 * reply has. Its reply count is 0 as on the normal path: replies cannot be replied to.
 */
export function replyResource(raw: unknown): YouTubeComment {
  const comment = parseItem(CommentSchema, raw, 'youtube comment');
  return {
    comment,
    videoId: comment.snippet.videoId ?? null,
    totalReplyCount: 0,
    parentId: comment.snippet.parentId ?? null,
    channelId: comment.snippet.channelId ?? null,
  };
}

export function normalizeYouTubeComment(item: YouTubeComment, fetchedAt: Date): MentionInput {
  const { comment } = item;
  const s = comment.snippet;
  return {
    id: `youtube:${comment.id}`,
    source: 'youtube',
    url: item.videoId
      ? `https://www.youtube.com/watch?v=${encodeURIComponent(item.videoId)}&lc=${encodeURIComponent(comment.id)}`
      : null,
    author: {
      id: s.authorChannelId?.value ?? null,
      handle: s.authorDisplayName ?? null,
      display_name: s.authorDisplayName?.replace(/^@/, '') ?? null,
      followers: null,
    },
    // textOriginal is what the author typed; textDisplay is HTML and may be truncated.
    text: s.textOriginal ?? htmlToText(s.textDisplay),
    title: null,
    lang: null,
    created_at: toUtcIso(s.publishedAt, 'publishedAt'),
    fetched_at: fetchedAt.toISOString(),
    engagement: { likes: s.likeCount, reposts: 0, replies: item.totalReplyCount, views: null },
    parent_id: item.parentId ? `youtube:${item.parentId}` : null,
    // Every comment sits under the video's channel: a brand's own channel keeps them (owned).
    ...(item.channelId ? { parent_author: { id: item.channelId, handle: null } } : {}),
  };
}
