import type { Store } from '../port.ts';
import { fromClickHouseTime, toClickHouseTime } from '../time.ts';

/**
 * What people did to mentions (corrections, hides, mutes), carried into every metric exactly
 * once. A mention's state in a workspace lives in `mention_overrides` (one current row per
 * mention); the rollups are moved by rows of `metric_adjustments` (migration 0017), signed
 * deltas per (mention, brand) that materialized views add to every rollup.
 *
 * `reconcile` makes the numbers follow the state: for each (mention, brand) it computes what the
 * mention should count now (nothing when hidden or muted; its corrected class, or the model's)
 * minus what it counts now (its stored row + the engagement growth recorded since + every earlier
 * adjustment) and stores the difference. Because it compares with the sum of all that was
 * applied, a second correction, a revert, or a hide after a mute each move the numbers once, and
 * running it again changes nothing.
 */

export type Label = 'pos' | 'neu' | 'neg' | 'unscored';

/** A mention's state in a workspace, as people left it. */
export interface Override {
  mention_id: string;
  /** The corrected label; '' for the model's. */
  label: string;
  tags: string[];
  hidden: boolean;
  bookmarked: boolean;
  /** A mute of its author or its URL's domain covers it. */
  muted: boolean;
  corrected_by: string;
  corrected_at: string | null;
  updated_by: string;
  updated_at: string;
}

export const NO_OVERRIDE: Omit<Override, 'mention_id'> = {
  label: '',
  tags: [],
  hidden: false,
  bookmarked: false,
  muted: false,
  corrected_by: '',
  corrected_at: null,
  updated_by: '',
  updated_at: '',
};

function versionOf(o: Override | undefined): number {
  return o && o.updated_at ? fromClickHouseTime(o.updated_at).getTime() : 0;
}

/** Who did it: the API key (id and name) or the command. */
export interface Actor {
  keyId: string;
  keyName: string;
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Runs `f` after every earlier action of the workspace in this process: a delta is computed from
 * what was applied before, so two actions on one mention must not interleave. (The API and the
 * sink share one process in `earshot start`; processes of a Kafka deployment each have their
 * own lock, see docs/api.md.)
 */
export async function withWorkspaceLock<T>(workspace: string, f: () => Promise<T>): Promise<T> {
  const before = locks.get(workspace) ?? Promise.resolve();
  const run = before.then(f, f);
  const tail = run.catch(() => undefined);
  locks.set(workspace, tail);
  try {
    return await run;
  } finally {
    if (locks.get(workspace) === tail) locks.delete(workspace);
  }
}

/** The current overrides of these mentions in the workspace (absent: none). */
export async function readOverrides(
  store: Store,
  workspace: string,
  ids: readonly string[],
): Promise<Map<string, Override>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<Override>(
    `SELECT mention_id, label, tags, hidden, bookmarked, muted, corrected_by, corrected_at,
            updated_by, updated_at
     FROM mention_overrides FINAL
     WHERE workspace = {workspace:String} AND mention_id IN {ids:Array(String)}`,
    { workspace, ids },
  );
  return new Map(
    rows.map((r) => [
      r.mention_id,
      {
        ...r,
        hidden: Boolean(r.hidden),
        bookmarked: Boolean(r.bookmarked),
        muted: Boolean(r.muted),
      },
    ]),
  );
}

interface BrandRow {
  brand: string;
  mention_id: string;
  created_at: string;
  source: string;
  lang: string;
  topic_ids: string[];
  topic_labels: string[];
  sentiment_label: string;
  sentiment_score: number;
  likes: number;
  reposts: number;
  replies: number;
  followers: number;
}

const MEASURES = [
  'volume',
  'positive',
  'neutral',
  'negative',
  'unscored',
  'sentiment_sum',
  'likes',
  'reposts',
  'replies',
  'followers',
] as const;
type Measures = Record<(typeof MEASURES)[number], number>;

const CLASS: Record<string, 'positive' | 'neutral' | 'negative' | 'unscored'> = {
  pos: 'positive',
  neu: 'neutral',
  neg: 'negative',
  unscored: 'unscored',
};
/** The score a corrected mention adds to `sentiment_sum`: its class's end of the scale. */
const CORRECTED_SCORE: Record<string, number> = { pos: 1, neu: 0, neg: -1, unscored: 0 };

function zero(): Measures {
  return Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures;
}

/** What one (mention, brand) row adds to the rollups with `label` and this engagement. */
function contribution(
  row: BrandRow,
  label: string,
  engagement: { likes: number; reposts: number; replies: number },
): Measures {
  const m = zero();
  m.volume = 1;
  m[CLASS[label] ?? 'unscored'] = 1;
  if (label !== 'unscored')
    m.sentiment_sum =
      label === row.sentiment_label ? Number(row.sentiment_score) : CORRECTED_SCORE[label]!;
  m.likes = engagement.likes;
  m.reposts = engagement.reposts;
  m.replies = engagement.replies;
  m.followers = Number(row.followers);
  return m;
}

/**
 * Stores `next` overrides (those that differ from `previous`) and moves the rollups of these
 * mentions to match them. Call inside `withWorkspaceLock`.
 */
export async function reconcile(
  store: Store,
  workspace: string,
  next: Map<string, Override>,
  previous: Map<string, Override>,
  reason: string,
  at: Date,
): Promise<{ adjusted: number }> {
  const changed = [...next.values()].filter((o) => {
    const p = previous.get(o.mention_id) ?? { ...NO_OVERRIDE, mention_id: o.mention_id };
    return (
      p.label !== o.label ||
      p.hidden !== o.hidden ||
      p.bookmarked !== o.bookmarked ||
      p.muted !== o.muted ||
      p.tags.join('\u0000') !== o.tags.join('\u0000')
    );
  });
  if (changed.length > 0) {
    await store.insert(
      'mention_overrides',
      changed.map((o) => ({
        workspace,
        mention_id: o.mention_id,
        label: o.label,
        tags: o.tags,
        hidden: o.hidden,
        bookmarked: o.bookmarked,
        muted: o.muted,
        counted: !o.hidden && !o.muted,
        corrected_by: o.corrected_by,
        corrected_at: o.corrected_at,
        updated_by: o.updated_by,
        // The newest row wins (ReplacingMergeTree): never older than the row it replaces,
        // whatever clock the caller's `at` came from.
        updated_at: toClickHouseTime(
          new Date(Math.max(at.getTime(), versionOf(previous.get(o.mention_id)) + 1)),
        ),
      })),
    );
  }
  const ids = [...next.keys()];
  if (ids.length === 0) return { adjusted: 0 };
  const params = { workspace, ids };
  // The stored (mention, brand) rows of the workspace; mentions' times first, so the lookup
  // prunes by the table's sort order (workspace, brand, created_at, …).
  const rows = await store.query<BrandRow>(
    `SELECT brand, mention_id, created_at, source, lang, topic_ids, topic_labels, sentiment_label,
            sentiment_score, likes, reposts, replies, ifNull(author_followers, 0) AS followers
     FROM brand_mentions FINAL
     WHERE workspace = {workspace:String} AND mention_id IN {ids:Array(String)}
       AND created_at IN (SELECT created_at FROM mentions WHERE id IN {ids:Array(String)})`,
    params,
  );
  if (rows.length === 0) return { adjusted: 0 };
  const growth = await store.query<{
    brand: string;
    mention_id: string;
    likes: number;
    reposts: number;
    replies: number;
  }>(
    `SELECT brand, mention_id, sum(likes) AS likes, sum(reposts) AS reposts, sum(replies) AS replies
     FROM engagement_updates
     WHERE workspace = {workspace:String} AND mention_id IN {ids:Array(String)}
     GROUP BY brand, mention_id`,
    params,
  );
  const applied = await store.query<Measures & { brand: string; mention_id: string }>(
    `SELECT brand, mention_id, ${MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')}
     FROM metric_adjustments
     WHERE workspace = {workspace:String} AND mention_id IN {ids:Array(String)}
     GROUP BY brand, mention_id`,
    params,
  );
  const key = (brand: string, id: string) => `${brand}\u0000${id}`;
  const grown = new Map(growth.map((g) => [key(g.brand, g.mention_id), g]));
  const done = new Map(applied.map((a) => [key(a.brand, a.mention_id), a]));
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    const o = next.get(row.mention_id);
    if (o === undefined) continue;
    const g = grown.get(key(row.brand, row.mention_id));
    const engagement = {
      likes: Number(row.likes) + Number(g?.likes ?? 0),
      reposts: Number(row.reposts) + Number(g?.reposts ?? 0),
      replies: Number(row.replies) + Number(g?.replies ?? 0),
    };
    const original = contribution(row, row.sentiment_label, engagement);
    const wanted =
      o.hidden || o.muted ? zero() : contribution(row, o.label || row.sentiment_label, engagement);
    const before = done.get(key(row.brand, row.mention_id));
    const delta = zero();
    let moved = false;
    for (const m of MEASURES) {
      const now = original[m] + Number(before?.[m] ?? 0);
      delta[m] = wanted[m] - now;
      if (m === 'sentiment_sum' ? Math.abs(delta[m]) > 1e-9 : delta[m] !== 0) moved = true;
    }
    if (!moved) continue;
    out.push({
      workspace,
      brand: row.brand,
      mention_id: row.mention_id,
      created_at: row.created_at,
      source: row.source,
      lang: row.lang,
      topic_ids: row.topic_ids,
      topic_labels: row.topic_labels,
      ...delta,
      reason,
      at: toClickHouseTime(at),
    });
  }
  if (out.length > 0) await store.insert('metric_adjustments', out);
  return { adjusted: out.length };
}
