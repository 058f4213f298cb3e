import { z } from 'zod';
import type { MentionInput } from '../../core/contracts/mention.ts';
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
 * `createdAt` is the client's clock and can be anything; when it is unreadable or further
 * ahead of the server's `time_us` than `maxSkewMs`, the server time is used instead.
 */
export function normalizeJetstreamEvent(
  event: JetstreamEvent,
  options: { fetchedAt: Date; maxSkewMs: number },
): MentionInput | null {
  const commit = event.commit;
  if (event.kind !== 'commit' || !commit || commit.collection !== POST) return null;
  if (commit.operation !== 'create' && commit.operation !== 'update') return null;
  const record = parseItem(PostRecordSchema, commit.record, 'post record');
  const uri = `at://${event.did}/${POST}/${commit.rkey}`;
  const serverMs = Math.floor(event.time_us / 1000);
  const clientMs = Date.parse(record.createdAt);
  const createdMs =
    Number.isFinite(clientMs) && clientMs - serverMs <= options.maxSkewMs ? clientMs : serverMs;
  const lang = (record.langs ?? []).map((l) => normalizeLang(l)).find((l) => l !== null) ?? null;
  return {
    id: `bluesky:${uri}`,
    source: 'bluesky',
    url: `https://bsky.app/profile/${event.did}/post/${encodeURIComponent(commit.rkey)}`,
    // The DID is stable; the connector fills handle, name and followers from the AppView.
    author: { id: event.did, handle: null, display_name: null, followers: null },
    text: record.text,
    // A shared link card's title is often where the brand is named ("Acme outage postmortem").
    title: record.embed?.external?.title ?? null,
    lang,
    created_at: toUtcIso(createdMs, 'createdAt'),
    fetched_at: options.fetchedAt.toISOString(),
    // Not in the event: likes/reposts arrive later as their own records (late engagement).
    engagement: { likes: 0, reposts: 0, replies: 0, views: null },
    parent_id: record.reply ? `bluesky:${record.reply.parent.uri}` : null,
  };
}
