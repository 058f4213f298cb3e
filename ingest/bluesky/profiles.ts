import { z } from 'zod';
import type { Author, Mention } from '../../core/contracts/mention.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { HttpClient } from '../http/client.ts';
import { parseJsonBody } from '../http/json.ts';
import { INVALID_HANDLE, MAX_FIELD } from './normalize.ts';

/**
 * Who wrote a Bluesky post. Jetstream names the author by DID only (`did:plc:…`), which means
 * nothing to a person reading a dashboard and gives no reach. The public AppView's
 * `app.bsky.actor.getProfiles` answers up to 25 DIDs per request with the handle, display
 * name and follower count, so the connector looks up the authors of the posts it keeps (the
 * ones the watch queries match, never the whole firehose) and remembers them.
 *
 * Looking up is an extra, never a condition: when the AppView is down or answers nonsense the
 * posts go out with the DID alone, one warning is logged, and lookups pause for a while so a
 * dead AppView does not slow the stream on every batch.
 */

/** `app.bsky.actor.getProfiles` takes at most 25 actors per request. */
export const PROFILES_PER_REQUEST = 25;

const ProfilesResponseSchema = z.object({
  profiles: z.array(
    z.looseObject({
      did: z.string(),
      handle: z.string(),
      displayName: z.string().optional(),
      followersCount: z.number().int().nonnegative().optional(),
    }),
  ),
});

type Profile = Pick<Author, 'handle' | 'display_name' | 'followers'>;

interface Entry {
  profile: Profile;
  expiresAt: number;
}

export interface ProfileDirectoryOptions {
  client: HttpClient;
  /** The AppView, e.g. https://public.api.bsky.app. */
  appviewUrl: string;
  /** Authors remembered at most (least recently used go first). */
  maxEntries: number;
  /** How long a looked-up profile is trusted (followers change slowly). */
  ttlMs: number;
  /** After a failed lookup, posts go out unresolved for this long before the next try. */
  pauseMs: number;
  now: () => number;
  logger: Logger;
}

export class ProfileDirectory {
  /** Insertion order = recency: a hit is moved to the end, eviction takes the first. */
  private readonly entries = new Map<string, Entry>();
  private pausedUntil = 0;
  /** Counters since start, for tests and debugging: posts resolved, profiles, requests. */
  readonly stats = { resolved: 0, looked_up: 0, not_found: 0, requests: 0, failures: 0 };

  constructor(private readonly options: ProfileDirectoryOptions) {}

  /** The mentions with their authors' handle, name and followers filled where known. */
  async complete(mentions: readonly Mention[], signal?: AbortSignal): Promise<Mention[]> {
    const wanted = new Set<string>();
    for (const m of mentions) {
      const did = m.author.id;
      if (did !== null && this.fresh(did) === undefined) wanted.add(did);
    }
    // On shutdown the last batch still goes out (its cursor with it), unresolved.
    if (wanted.size > 0 && !signal?.aborted && this.options.now() >= this.pausedUntil) {
      await this.lookUp([...wanted], signal);
    }
    return mentions.map((m) => {
      const profile = m.author.id === null ? undefined : this.fresh(m.author.id);
      if (profile === undefined) return m;
      if (profile.handle !== null || profile.followers !== null) this.stats.resolved++;
      return { ...m, author: { ...m.author, ...profile } };
    });
  }

  /** An identity event says the handle changed: correct a remembered profile at once. */
  noteHandle(did: string, handle: string | undefined): void {
    const entry = this.entries.get(did);
    if (entry && handle !== undefined) entry.profile = { ...entry.profile, handle: clean(handle) };
  }

  /** What is remembered of this author, without asking the AppView (engagement refresh). */
  known(did: string): Profile | undefined {
    return this.fresh(did);
  }

  get size(): number {
    return this.entries.size;
  }

  private fresh(did: string): Profile | undefined {
    const entry = this.entries.get(did);
    if (entry === undefined) return undefined;
    this.entries.delete(did);
    if (entry.expiresAt <= this.options.now()) return undefined;
    this.entries.set(did, entry);
    return entry.profile;
  }

  private remember(did: string, profile: Profile): void {
    this.entries.delete(did);
    this.entries.set(did, { profile, expiresAt: this.options.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private async lookUp(dids: string[], signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < dids.length; i += PROFILES_PER_REQUEST) {
      const chunk = dids.slice(i, i + PROFILES_PER_REQUEST);
      try {
        await this.lookUpChunk(chunk, signal);
      } catch (error) {
        if (signal?.aborted) return;
        this.stats.failures++;
        this.pausedUntil = this.options.now() + this.options.pauseMs;
        this.options.logger.warn(
          {
            event: 'profile_lookup_failed',
            source: 'bluesky',
            authors: dids.length - i,
            pause_ms: this.options.pauseMs,
            error: describeError(error),
          },
          'bluesky profile lookup failed; posts go out with the author DID only for now',
        );
        return;
      }
    }
  }

  private async lookUpChunk(dids: string[], signal?: AbortSignal): Promise<void> {
    const url = new URL('/xrpc/app.bsky.actor.getProfiles', this.options.appviewUrl);
    for (const did of dids) url.searchParams.append('actors', did);
    this.stats.requests++;
    const response = await this.options.client.request(url.toString(), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
    if (response.status !== 200) {
      throw new Error(
        `getProfiles answered HTTP ${response.status}: ${response.body.slice(0, 200)}`,
      );
    }
    const body = parseJsonBody('bluesky', response.body, ProfilesResponseSchema, 'profiles page');
    const found = new Set<string>();
    for (const p of body.profiles) {
      found.add(p.did);
      this.stats.looked_up++;
      this.remember(p.did, {
        handle: clean(p.handle),
        display_name: p.displayName ? p.displayName.slice(0, MAX_FIELD) : null,
        followers: p.followersCount ?? null,
      });
    }
    // Deleted, suspended or unknown accounts are left out of the answer: remember that too,
    // so they are not asked for again on every post.
    for (const did of dids) {
      if (found.has(did)) continue;
      this.stats.not_found++;
      this.remember(did, { handle: null, display_name: null, followers: null });
    }
  }
}

function clean(handle: string): string | null {
  return handle === INVALID_HANDLE || handle === '' ? null : handle.slice(0, MAX_FIELD);
}
