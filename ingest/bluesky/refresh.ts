import { z } from 'zod';
import type { Mention } from '../../core/contracts/mention.ts';
import type { HttpClient } from '../http/client.ts';
import { SourceRejectedError } from '../http/errors.ts';
import { parseJsonBody } from '../http/json.ts';
import type { IngestPorts } from '../ports.ts';
import { normalizePostView } from './normalize.ts';
import type { ProfileDirectory } from './profiles.ts';
import { askedMentions, inBatches, nativeIds } from '../refresh/batches.ts';

/**
 * Late engagement for Bluesky. Jetstream events carry no counts, so every post leaves the
 * firehose with zero likes; the public AppView's `app.bsky.feed.getPosts` answers up to 25
 * AT-URIs per request with the counts it knows now. Deleted posts (and posts of deleted or
 * taken-down accounts) are simply not in the answer, so they are left out here too.
 */

/** `app.bsky.feed.getPosts` takes at most 25 `uris` per request. */
export const POSTS_PER_REQUEST = 25;

const POST_ID = /^bluesky:(at:\/\/did:[^/\s]+\/app\.bsky\.feed\.post\/[^/\s]+)$/;

const PostsResponseSchema = z.object({ posts: z.array(z.unknown()) });

export interface BlueskyRefreshOptions {
  client: HttpClient;
  appviewUrl: string;
  /** Followers are not in the post view: what the profile cache remembers, if anything. */
  profiles: ProfileDirectory | null;
  maxSkewMs: number;
}

export async function refreshPosts(
  ids: readonly string[],
  ports: IngestPorts,
  options: BlueskyRefreshOptions,
): Promise<Mention[]> {
  return inBatches(nativeIds(ids, POST_ID), POSTS_PER_REQUEST, ports.signal, (uris) =>
    refreshChunk(uris, ports, options),
  );
}

async function refreshChunk(
  uris: string[],
  ports: IngestPorts,
  options: BlueskyRefreshOptions,
): Promise<Mention[]> {
  const url = new URL('/xrpc/app.bsky.feed.getPosts', options.appviewUrl);
  for (const uri of uris) url.searchParams.append('uris', uri);
  const response = await options.client.request(url.toString(), {
    headers: { accept: 'application/json' },
    signal: ports.signal,
  });
  if (response.status !== 200) {
    throw new SourceRejectedError(
      `bluesky: getPosts answered HTTP ${response.status}: ${response.body.slice(0, 200)}`,
      { context: { status: response.status } },
    );
  }
  const body = parseJsonBody('bluesky', response.body, PostsResponseSchema, 'posts page');
  const fetchedAt = ports.now();
  return askedMentions(
    'bluesky',
    ports,
    body.posts,
    (view) =>
      normalizePostView(view, {
        fetchedAt,
        maxSkewMs: options.maxSkewMs,
        followersOf: (did) => options.profiles?.known(did)?.followers ?? null,
      }),
    new Set(uris.map((u) => `bluesky:${u}`)),
  );
}
