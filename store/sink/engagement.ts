import { ownerOfMentionId } from '../../core/contracts/owned-id.ts';
import type { Store } from '../port.ts';

/**
 * Late engagement at the sink. A mention that arrives again (a connector's refresh, see
 * ingest/refresh/) with more likes, reposts, replies or views than the store knows becomes rows
 * of `engagement_updates` (migration 0011): the new totals, and the growth that the rollups add.
 * The mention rows are never rewritten: their materialized views would count the mention twice.
 *
 * Exactly once without a transaction: totals and growth travel in one insert, so either both
 * are stored or neither; a redelivered refresh then finds its totals recorded and adds nothing
 * (the insert's dedup token also drops a repeated block). Engagement only grows here: a count
 * that went down (an unlike, a deleted reply) is ignored rather than subtracted from sums that
 * must stay non-negative.
 */

export interface Engagement {
  likes: number;
  reposts: number;
  replies: number;
  views: number | null;
}

/** What the sink reads of a stored mention to place its growth in the rollups. */
export interface StoredMention extends Engagement {
  id: string;
  created_at: string;
  source: string;
  lang: string;
  brand_workspaces: string[];
  brand_ids: string[];
}

export type EngagementUpdateRow = Record<string, unknown> & { mention_id: string };

const COUNTS = ['likes', 'reposts', 'replies'] as const;

function maxViews(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** The greater of two observations, field by field. */
export function maxEngagement(a: Engagement, b: Engagement): Engagement {
  return {
    likes: Math.max(a.likes, b.likes),
    reposts: Math.max(a.reposts, b.reposts),
    replies: Math.max(a.replies, b.replies),
    views: maxViews(a.views, b.views),
  };
}

/**
 * The `engagement_updates` rows for one observation of a stored mention: none when nothing grew
 * beyond `current` (the stored row's engagement raised by the totals recorded so far), else
 * one per brand the mention counts for, each with the growth and the new totals.
 */
export function engagementUpdateRows(
  stored: StoredMention,
  current: Engagement,
  observed: Engagement,
  observedAt: string,
): EngagementUpdateRow[] {
  if (!grew(current, observed)) return [];
  const growth = COUNTS.map((k) => Math.max(0, observed[k] - current[k]));
  const total = maxEngagement(current, observed);
  const seen = new Set<string>();
  const rows: EngagementUpdateRow[] = [];
  // A workspace's own mention (its webhook) counts for that workspace's brands only, whatever
  // brands the stored row lists: what a key sends never reaches another workspace's numbers.
  const owner = ownerOfMentionId(stored.id);
  stored.brand_ids.forEach((brand, i) => {
    const workspace = stored.brand_workspaces[i] ?? '';
    if (owner !== null && workspace !== owner) return;
    // One (mention, brand) row per brand, as brand_mentions keeps it (several watch queries of
    // one brand matching the same mention are still one mention for it).
    const key = `${workspace}\u0000${brand}`;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push({
      workspace,
      brand,
      mention_id: stored.id,
      created_at: stored.created_at,
      source: stored.source,
      lang: stored.lang,
      likes: growth[0],
      reposts: growth[1],
      replies: growth[2],
      likes_total: total.likes,
      reposts_total: total.reposts,
      replies_total: total.replies,
      views_total: total.views,
      observed_at: observedAt,
    });
  });
  return rows;
}

/** The engagement of an incoming `mentions` row (store/mention-row.ts). */
export function engagementOf(row: Record<string, unknown>): Engagement {
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    likes: n(row.likes),
    reposts: n(row.reposts),
    replies: n(row.replies),
    views: typeof row.views === 'number' ? row.views : null,
  };
}

/**
 * Records the late engagement of mentions that are already stored (`incoming`: their newest
 * rows by id, several observations of one id already merged). Returns how many mentions grew.
 */
export async function applyEngagement(
  store: Store,
  incoming: ReadonlyMap<string, Record<string, unknown>>,
  stored: readonly StoredMention[],
  dedupToken: string,
): Promise<number> {
  // The stored row may exist twice until the engine merges it; its brands are the same.
  const byId = new Map<string, StoredMention>();
  for (const s of stored) {
    const seen = byId.get(s.id);
    byId.set(s.id, seen === undefined ? s : { ...seen, ...maxEngagement(seen, s) });
  }
  const candidates = [...byId.values()].filter((s) => {
    const row = incoming.get(s.id);
    return row !== undefined && grew(s, engagementOf(row));
  });
  if (candidates.length === 0) return 0;
  const recorded = await store.query<{
    mention_id: string;
    likes: number;
    reposts: number;
    replies: number;
    views: number | null;
  }>(
    `SELECT mention_id, max(likes_total) AS likes, max(reposts_total) AS reposts,
            max(replies_total) AS replies, max(views_total) AS views
     FROM engagement_updates WHERE mention_id IN {ids:Array(String)}
     GROUP BY mention_id`,
    { ids: candidates.map((s) => s.id) },
  );
  const totals = new Map(recorded.map((r) => [r.mention_id, r]));
  const rows: EngagementUpdateRow[] = [];
  let grown = 0;
  for (const s of candidates) {
    const row = incoming.get(s.id)!;
    const t = totals.get(s.id);
    const current = t === undefined ? s : maxEngagement(s, { ...t, views: t.views ?? null });
    const observedAt = String(row.fetched_at ?? row.enriched_at);
    const out = engagementUpdateRows(s, current, engagementOf(row), observedAt);
    if (out.length > 0) grown++;
    rows.push(...out);
  }
  if (rows.length > 0) await store.insert('engagement_updates', rows, { dedupToken });
  return grown;
}

/** Whether `observed` tells more than `known` in any count or in views. */
function grew(known: Engagement, observed: Engagement): boolean {
  return (
    COUNTS.some((k) => observed[k] > known[k]) ||
    (observed.views !== null && observed.views > (known.views ?? -1))
  );
}
