import { z } from 'zod';
import type { Mention } from '../../core/contracts/mention.ts';
import type { HttpClient } from '../http/client.ts';
import { parseJsonBody } from '../http/json.ts';
import { PROFILES_PER_REQUEST } from './profiles.ts';

/**
 * A brand's own Bluesky accounts (`brands[].owned.bluesky`) may be given as handles, but the
 * firehose names accounts by DID only, also the author of a replied-to post. So the connector
 * asks the AppView once for the DIDs of the owned handles, and writes the handle next to the
 * DID wherever one of those accounts appears (author, `parent_author`) before the watch-query
 * filter runs: the filter and enrichment then recognise the owned account by either name.
 */
const ProfilesSchema = z.object({
  profiles: z.array(z.looseObject({ did: z.string(), handle: z.string() })),
});

/** DID → handle of the owned accounts given as handles (DIDs need no lookup). */
export async function resolveOwnedHandles(
  handles: readonly string[],
  client: HttpClient,
  appviewUrl: string,
  signal: AbortSignal,
): Promise<Map<string, string>> {
  const byDid = new Map<string, string>();
  for (let i = 0; i < handles.length; i += PROFILES_PER_REQUEST) {
    const url = new URL('/xrpc/app.bsky.actor.getProfiles', appviewUrl);
    for (const h of handles.slice(i, i + PROFILES_PER_REQUEST))
      url.searchParams.append('actors', h);
    const response = await client.request(url.toString(), {
      headers: { accept: 'application/json' },
      signal,
    });
    if (response.status !== 200)
      throw new Error(
        `getProfiles answered HTTP ${response.status}: ${response.body.slice(0, 200)}`,
      );
    const body = parseJsonBody('bluesky', response.body, ProfilesSchema, 'profiles page');
    for (const p of body.profiles) byDid.set(p.did, p.handle.toLowerCase());
  }
  return byDid;
}

/** Handles of owned accounts (not DIDs), without a leading `@`. */
export function ownedHandles(accounts: readonly string[]): string[] {
  return accounts.filter((a) => !a.startsWith('did:')).map((a) => a.replace(/^@/, ''));
}

/** The mention with the owned accounts' handles written next to their DIDs. */
export function nameOwned(m: Mention, handles: ReadonlyMap<string, string>): Mention {
  if (handles.size === 0) return m;
  const author =
    m.author.id !== null && m.author.handle === null ? handles.get(m.author.id) : undefined;
  const parentDid = m.parent_author?.id;
  const parent = parentDid && !m.parent_author?.handle ? handles.get(parentDid) : undefined;
  if (author === undefined && parent === undefined) return m;
  return {
    ...m,
    ...(author !== undefined ? { author: { ...m.author, handle: author } } : {}),
    ...(parent !== undefined ? { parent_author: { id: parentDid ?? null, handle: parent } } : {}),
  };
}
