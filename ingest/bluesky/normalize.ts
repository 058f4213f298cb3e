import { z } from 'zod';
import type { Author, Engagement, MentionInput } from '../../core/contracts/mention.ts';
import { InvalidMessageError } from '../../core/errors.ts';
import { parseItem } from '../http/json.ts';
import { normalizeLang } from '../text/lang.ts';
import { toUtcIso } from '../text/time.ts';

const POST = 'app.bsky.feed.post';

/** The part of every Jetstream v1 event we read before deciding what it is. */
export const JetstreamEventSchema = z.object({
  did: z.string().startsWith('did:'),
  time_us: z.number().int().positive(),
  kind: z.string(),
  /** Present when the server is Jetstream v2 speaking the v1 wire: an instance-local seq. */
  cursor: z.number().int().nonnegative().optional(),
  commit: z
    .object({
      operation: z.string(),
      collection: z.string(),
      rkey: z.string().min(1),
      record: z.unknown().optional(),
    })
    .optional(),
  /** `kind: "identity"`: the account's handle changed (or was re-verified). Never fatal. */
  identity: z.looseObject({ handle: z.string().optional() }).optional().catch(undefined),
});
export type JetstreamEvent = z.infer<typeof JetstreamEventSchema>;

const StrongRef = z.object({ uri: z.string().startsWith('at://'), cid: z.string().optional() });
export const PostRecordSchema = z.object({
  text: z.string(),
  createdAt: z.string(),
  langs: z.array(z.string()).optional(),
  reply: z.object({ parent: StrongRef, root: StrongRef.optional() }).optional(),
  embed: z
    .looseObject({
      $type: z.string().optional(),
      external: z.object({ uri: z.string(), title: z.string().optional() }).optional(),
    })
    .optional(),
});

/** Parse one raw frame. A frame that is not a Jetstream event is an InvalidMessageError. */
export function parseJetstreamFrame(frame: string): JetstreamEvent {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    throw new InvalidMessageError('jetstream frame is not JSON');
  }
  return parseItem(JetstreamEventSchema, json, 'jetstream event');
}

/**
 * A post create/update → Mention; every other event (deletes, likes, identity, account…) → null.
 * The server clock for the skew rule is the event's `time_us`.
 */
export function normalizeJetstreamEvent(
  event: JetstreamEvent,
  options: { fetchedAt: Date; maxSkewMs: number },
): MentionInput | null {
  const commit = event.commit;
  if (event.kind !== 'commit' || !commit || commit.collection !== POST) return null;
  if (commit.operation !== 'create' && commit.operation !== 'update') return null;
  const record = parseItem(PostRecordSchema, commit.record, 'post record');
  return postMention({
    did: event.did,
    rkey: commit.rkey,
    record,
    serverMs: Math.floor(event.time_us / 1000),
    ...options,
    // The DID is stable; the connector fills handle, name and followers from the AppView.
    author: { handle: null, display_name: null, followers: null },
    // Not in the event: likes/reposts arrive later as their own records (late engagement).
    engagement: { likes: 0, reposts: 0, replies: 0, views: null },
  });
}

const Count = z.number().int().nonnegative().optional();

/**
 * `app.bsky.feed.defs#postView`, as `app.bsky.feed.getPosts` answers it: the record as written
 * plus the AppView's current counts. The author is the basic profile view (no followers).
 */
export const PostViewSchema = z.object({
  uri: z.string().regex(/^at:\/\/did:[^/]+\/app\.bsky\.feed\.post\/[^/]+$/, 'a post AT-URI'),
  author: z.looseObject({
    did: z.string().startsWith('did:'),
    handle: z.string().optional(),
    displayName: z.string().optional(),
  }),
  record: z.unknown(),
  /** When the AppView indexed the post: the server clock, like Jetstream's time_us. */
  indexedAt: z.string(),
  likeCount: Count,
  repostCount: Count,
  replyCount: Count,
  quoteCount: Count,
});
export type PostView = z.infer<typeof PostViewSchema>;

/**
 * A post view → the same Mention the Jetstream path made of that post (same id, URL, text,
 * title, lang, created_at, parent), with the counts the AppView knows now. A quote is counted
 * as a repost: both put the post in front of the quoter's followers. Followers are not in the
 * basic profile view; `followersOf` says what the caller already knows (the profile cache).
 * null: a post whose created_at the Jetstream path took from the server clock (see below).
 */
export function normalizePostView(
  raw: unknown,
  options: { fetchedAt: Date; maxSkewMs: number; followersOf: (did: string) => number | null },
): MentionInput | null {
  const view = parseItem(PostViewSchema, raw, 'post view');
  const record = parseItem(PostRecordSchema, view.record, 'post record');
  // at://<did>/app.bsky.feed.post/<rkey>: the id is built from the uri, as on the stream.
  const [did = '', , rkey = ''] = view.uri.slice('at://'.length).split('/');
  const clientMs = Date.parse(record.createdAt);
  const indexedMs = Date.parse(view.indexedAt);
  // The Jetstream path replaced an unbelievable client clock with the firehose time, which
  // the AppView does not give back; a different created_at would be a different row in the
  // per-brand tables, so such a post is left out rather than refreshed wrongly.
  if (!Number.isFinite(clientMs) || !(clientMs - indexedMs <= options.maxSkewMs)) return null;
  const handle = view.author.handle;
  return postMention({
    did,
    rkey,
    record,
    serverMs: indexedMs,
    fetchedAt: options.fetchedAt,
    maxSkewMs: options.maxSkewMs,
    author: {
      handle: handle && handle !== INVALID_HANDLE ? handle.slice(0, MAX_FIELD) : null,
      display_name: view.author.displayName ? view.author.displayName.slice(0, MAX_FIELD) : null,
      followers: options.followersOf(view.author.did),
    },
    engagement: {
      likes: view.likeCount ?? 0,
      reposts: (view.repostCount ?? 0) + (view.quoteCount ?? 0),
      replies: view.replyCount ?? 0,
      views: null,
    },
  });
}

/** The AppView's placeholder for a handle that no longer verifies: not a handle to show. */
export const INVALID_HANDLE = 'handle.invalid';
export const MAX_FIELD = 512;

/**
 * One post → Mention, shared by both paths so a refreshed post keeps its id and fields.
 * `createdAt` is the client's clock and can be anything; when it is unreadable or further
 * ahead of the server's clock than `maxSkewMs`, the server time is used instead.
 */
function postMention(p: {
  did: string;
  rkey: string;
  record: z.infer<typeof PostRecordSchema>;
  serverMs: number;
  fetchedAt: Date;
  maxSkewMs: number;
  author: Omit<Author, 'id'>;
  engagement: Engagement;
}): MentionInput {
  const uri = `at://${p.did}/${POST}/${p.rkey}`;
  const clientMs = Date.parse(p.record.createdAt);
  const createdMs =
    Number.isFinite(clientMs) && clientMs - p.serverMs <= p.maxSkewMs ? clientMs : p.serverMs;
  const lang = (p.record.langs ?? []).map((l) => normalizeLang(l)).find((l) => l !== null) ?? null;
  return {
    id: `bluesky:${uri}`,
    source: 'bluesky',
    url: `https://bsky.app/profile/${p.did}/post/${encodeURIComponent(p.rkey)}`,
    author: { id: p.did, ...p.author },
    text: p.record.text,
    // A shared link card's title is often where the brand is named ("Acme outage postmortem").
    title: p.record.embed?.external?.title ?? null,
    lang,
    created_at: toUtcIso(createdMs, 'createdAt'),
    fetched_at: p.fetchedAt.toISOString(),
    engagement: p.engagement,
    parent_id: p.record.reply ? `bluesky:${p.record.reply.parent.uri}` : null,
    // The replied-to post's author, from its AT-URI (at://<did>/…): replies to a brand's own
    // account are kept for it (owned) although they rarely name it.
    ...(p.record.reply
      ? { parent_author: { id: uriDid(p.record.reply.parent.uri), handle: null } }
      : {}),
  };
}

function uriDid(uri: string): string | null {
  const m = /^at:\/\/(did:[^/]+)\//.exec(uri);
  return m ? m[1]! : null;
}
