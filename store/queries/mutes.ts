import type { Store } from '../port.ts';
import { fromClickHouseTime, toClickHouseTime } from '../time.ts';
import {
  NO_OVERRIDE,
  readOverrides,
  reconcile,
  withWorkspaceLock,
  type Actor,
  type Override,
} from './adjustments.ts';

/**
 * Muted authors and domains of a workspace: their mentions leave the feed and every metric
 * (rollups too, through `reconcile`), old ones when the mute is set, new ones as the sink
 * stores them (`muteNewMentions`); unmuting brings them back.
 */
export type MuteKind = 'author' | 'domain';

export interface Mute {
  kind: MuteKind;
  /** `author`: "<source>/<author id>"; `domain`: a host name without "www.". */
  value: string;
  /** What a person reads in the list (the handle, the domain). */
  label: string;
  by: string;
  at: string;
}

interface MuteKeys {
  author: string | null;
  domain: string | null;
}

/** The host of a URL as mutes name it: lower case, without "www.". */
export function domainOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

export function muteKeysOf(m: {
  source: string;
  author_id: string | null;
  url: string | null;
}): MuteKeys {
  return {
    author: m.author_id ? `${m.source}/${m.author_id}` : null,
    domain: domainOf(m.url),
  };
}

type Active = Array<{ kind: string; value: string }>;

export function isMuted(active: Active, keys: MuteKeys): boolean {
  return active.some(
    (m) =>
      (m.kind === 'author' && m.value === keys.author) ||
      (m.kind === 'domain' && m.value === keys.domain),
  );
}

export async function activeMutes(store: Store, workspace: string): Promise<Active> {
  return store.query<{ kind: string; value: string }>(
    `SELECT kind, value FROM mutes FINAL WHERE workspace = {workspace:String} AND muted`,
    { workspace },
  );
}

export async function listMutes(store: Store, workspace: string): Promise<Mute[]> {
  const rows = await store.query<Mute & { key_id: string; key_name: string }>(
    `SELECT kind, value, label, key_id, key_name, at FROM mutes FINAL
     WHERE workspace = {workspace:String} AND muted ORDER BY at DESC, kind, value`,
    { workspace },
  );
  return rows.map((r) => ({
    kind: r.kind,
    value: r.value,
    label: r.label,
    by: r.key_name ? `${r.key_name} (${r.key_id})` : r.key_id,
    at: fromClickHouseTime(r.at).toISOString(),
  }));
}

/** Mentions of the workspace that a mute of `kind`/`value` covers. */
async function coveredMentions(
  store: Store,
  workspace: string,
  kind: MuteKind,
  value: string,
): Promise<Array<{ id: string; source: string; author_id: string | null; url: string | null }>> {
  if (kind === 'author') {
    const slash = value.indexOf('/');
    return store.query(
      `SELECT id, source, author_id, url FROM mentions
       WHERE has(brand_workspaces, {workspace:String}) AND source = {source:String}
         AND author_id = {author:String}
       ORDER BY id, version DESC LIMIT 1 BY id`,
      { workspace, source: value.slice(0, slash), author: value.slice(slash + 1) },
    );
  }
  return store.query(
    `SELECT id, source, author_id, url FROM mentions
     WHERE has(brand_workspaces, {workspace:String})
       AND lower(domainWithoutWWW(ifNull(url, ''))) = {domain:String}
     ORDER BY id, version DESC LIMIT 1 BY id`,
    { workspace, domain: value },
  );
}

/** Sets or lifts a mute; returns how many of the workspace's mentions it covers. */
export async function setMute(
  store: Store,
  workspace: string,
  mute: { kind: MuteKind; value: string; label: string; muted: boolean },
  actor: Actor,
  at: Date,
): Promise<{ mentions: number }> {
  return withWorkspaceLock(workspace, async () => {
    await store.insert('mutes', [
      {
        workspace,
        ...mute,
        key_id: actor.keyId,
        key_name: actor.keyName,
        at: toClickHouseTime(at),
      },
    ]);
    mutesChanged();
    const covered = await coveredMentions(store, workspace, mute.kind, mute.value);
    const active = await activeMutes(store, workspace);
    await remute(store, workspace, covered, active, at);
    return { mentions: covered.length };
  });
}

async function remute(
  store: Store,
  workspace: string,
  mentions: Array<{ id: string; source: string; author_id: string | null; url: string | null }>,
  active: Active,
  at: Date,
): Promise<void> {
  // Bounded batches: a prolific author's every mention is one action, not one huge query.
  for (let i = 0; i < mentions.length; i += 1_000) {
    const part = mentions.slice(i, i + 1_000);
    const previous = await readOverrides(
      store,
      workspace,
      part.map((m) => m.id),
    );
    const next = new Map<string, Override>();
    for (const m of part) {
      const before = previous.get(m.id) ?? { ...NO_OVERRIDE, mention_id: m.id };
      next.set(m.id, { ...before, muted: isMuted(active, muteKeysOf(m)) });
    }
    await reconcile(store, workspace, next, previous, 'mute', at);
  }
}

/** Mutes of every workspace, cached briefly for the sink (one small query per few batches). */
let cache: { at: number; mutes: Array<{ workspace: string; kind: string; value: string }> } | null =
  null;
const CACHE_MS = 2_000;

/** A mute set in this process is seen by the sink's next batch, not after the cache expires. */
function mutesChanged(): void {
  cache = null;
}

async function allMutes(
  store: Store,
): Promise<Array<{ workspace: string; kind: string; value: string }>> {
  try {
    return await store.query(`SELECT workspace, kind, value FROM mutes FINAL WHERE muted`);
  } catch (error) {
    // A store migrated only up to before 0017 (tests that store rows between migrations) has
    // no mutes, so nothing to apply; anything else is a real failure.
    if (error instanceof Error && /UNKNOWN_TABLE/.test(error.message)) return [];
    throw error;
  }
}

/**
 * After the sink stored new mentions: those a mute of a workspace covers leave its numbers
 * (one query per batch while no workspace mutes anything, from a 2-second cache).
 */
export async function muteNewMentions(
  store: Store,
  /** Rows of the `mentions` table (store/mention-row.ts). */
  stored: ReadonlyArray<Record<string, unknown>>,
  now: Date = new Date(),
): Promise<void> {
  if (cache === null || now.getTime() - cache.at > CACHE_MS) {
    cache = { at: now.getTime(), mutes: await allMutes(store) };
  }
  if (cache.mutes.length === 0) return;
  const rows = stored.map((r) => ({
    id: String(r.id),
    source: String(r.source),
    author_id: typeof r.author_id === 'string' ? r.author_id : null,
    url: typeof r.url === 'string' ? r.url : null,
    brand_workspaces: Array.isArray(r.brand_workspaces) ? (r.brand_workspaces as string[]) : [],
  }));
  const byWorkspace = new Map<string, Active>();
  for (const m of cache.mutes) {
    const list = byWorkspace.get(m.workspace) ?? [];
    list.push(m);
    byWorkspace.set(m.workspace, list);
  }
  for (const [workspace, active] of byWorkspace) {
    const hit = rows.filter(
      (r) => r.brand_workspaces.includes(workspace) && isMuted(active, muteKeysOf(r)),
    );
    if (hit.length === 0) continue;
    await withWorkspaceLock(workspace, async () =>
      remute(store, workspace, hit, await activeMutes(store, workspace), now),
    );
  }
}
