import type { SentimentLabel } from '../../core/contracts/mention.ts';
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
import { activeMutes, isMuted, muteKeysOf } from './mutes.ts';

/**
 * A person's actions on one mention of their workspace: correct its sentiment (or revert to the
 * model's), tag it, hide it, bookmark it. Each is stored with who and when; the numbers follow
 * through `reconcile` (adjustments.ts).
 */
export interface MentionPatch {
  /** A corrected label, or null to go back to the model's. */
  sentiment?: 'pos' | 'neu' | 'neg' | null | undefined;
  tags?: string[] | undefined;
  hidden?: boolean | undefined;
  bookmarked?: boolean | undefined;
}

/** What a workspace's feed shows of a mention's actions. */
export interface MentionActions {
  tags: string[];
  hidden: boolean;
  bookmarked: boolean;
  muted: boolean;
  /** Set when a person corrected the sentiment: the model's label, who and when. */
  corrected: {
    label: SentimentLabel;
    original_label: SentimentLabel;
    by: string;
    at: string;
  } | null;
}

interface Original {
  id: string;
  sentiment_label: string;
  sentiment_score: number;
  sentiment_model: string;
  source: string;
  author_id: string | null;
  url: string | null;
}

/** The mentions among `ids` that the workspace has (a brand of it matched), with their model's reading. */
export async function originalsInWorkspace(
  store: Store,
  workspace: string,
  ids: readonly string[],
): Promise<Map<string, Original>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<Original>(
    `SELECT id, sentiment_label, sentiment_score, sentiment_model, source, author_id, url
     FROM mentions
     WHERE id IN {ids:Array(String)} AND has(brand_workspaces, {workspace:String})
     ORDER BY id, version DESC LIMIT 1 BY id`,
    { workspace, ids },
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export function actionsOf(o: Override | undefined, originalLabel: string): MentionActions {
  const s = o ?? { ...NO_OVERRIDE, mention_id: '' };
  return {
    tags: s.tags,
    hidden: s.hidden,
    bookmarked: s.bookmarked,
    muted: s.muted,
    corrected:
      s.label === ''
        ? null
        : {
            // Both come from the store, written from checked labels (a correction's is pos/neu/neg).
            label: s.label as SentimentLabel,
            original_label: originalLabel as SentimentLabel,
            by: s.corrected_by,
            at: s.corrected_at ? fromClickHouseTime(s.corrected_at).toISOString() : '',
          },
  };
}

/** Tags as stored: trimmed, lower case, unique, in the order given. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
}

/**
 * Applies `patch` to mention `id` of the workspace; null when the workspace has no such mention
 * (the route answers 404, the same as for another workspace's mention).
 */
export async function applyMentionPatch(
  store: Store,
  workspace: string,
  id: string,
  patch: MentionPatch,
  actor: Actor,
  at: Date,
): Promise<MentionActions | null> {
  return withWorkspaceLock(workspace, async () => {
    const original = (await originalsInWorkspace(store, workspace, [id])).get(id);
    if (original === undefined) return null;
    const previous = await readOverrides(store, workspace, [id]);
    const before = previous.get(id) ?? { ...NO_OVERRIDE, mention_id: id };
    const by = actor.keyName ? `${actor.keyName} (${actor.keyId})` : actor.keyId;
    const next: Override = { ...before, updated_by: by };
    if (patch.sentiment !== undefined) {
      // Correcting to the model's own label is a revert: nothing is corrected any more.
      const label =
        patch.sentiment === null || patch.sentiment === original.sentiment_label
          ? ''
          : patch.sentiment;
      if (label !== before.label) {
        next.label = label;
        next.corrected_by = label === '' ? '' : by;
        next.corrected_at = label === '' ? null : toClickHouseTime(at);
        await store.insert('sentiment_corrections', [
          {
            workspace,
            mention_id: id,
            label,
            original_label: original.sentiment_label,
            original_score: original.sentiment_score,
            original_model: original.sentiment_model,
            key_id: actor.keyId,
            key_name: actor.keyName,
            at: toClickHouseTime(at),
          },
        ]);
      }
    }
    if (patch.tags !== undefined) next.tags = normalizeTags(patch.tags);
    if (patch.hidden !== undefined) next.hidden = patch.hidden;
    if (patch.bookmarked !== undefined) next.bookmarked = patch.bookmarked;
    // A mute added while this mention was on its way may not have reached it yet.
    next.muted = isMuted(await activeMutes(store, workspace), muteKeysOf(original));
    await reconcile(store, workspace, new Map([[id, next]]), previous, 'action', at);
    return actionsOf(next, original.sentiment_label);
  });
}
