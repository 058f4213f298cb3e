import type { Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';

/**
 * What a watch-query preview reads (api/routes/setup.ts): the stored mentions of a workspace in
 * a window that may match (their texts folded and searched for the query's words in the store),
 * counted by day, and a sample of them for the matcher to decide. The sample is ordered by a
 * hash of the id: the same draft gives the same sample, spread evenly over the window.
 */

export interface PreviewScope {
  workspace: string;
  from: Date;
  to: Date;
  /** At least one must be in the folded text; null: any mention. */
  needles: string[] | null;
  /** `translateUTF8` arguments: one letter to one letter (diacritics off). */
  fold: { from: string; to: string };
  /**
   * Read every stride-th granule (8,192 rows) only: texts are the cost (mentions are ordered by
   * id, so a time window holds rows of every granule), and skipping whole granules skips reading
   * their texts. 1: everything.
   */
  stride: number;
}

export interface PreviewRow {
  id: string;
  /** "2026-11-21 09:30:00.000", UTC. */
  created: string;
  source: string;
  lang: string;
  text: string;
  title: string | null;
  url: string | null;
  author_handle: string | null;
}

function where(scope: PreviewScope): {
  prewhere: string;
  sql: string;
  params: Record<string, unknown>;
} {
  const params: Record<string, unknown> = {
    from: toClickHouseTime(scope.from),
    to: toClickHouseTime(scope.to),
    ws: scope.workspace,
    stride: scope.stride,
  };
  // Public mentions, and those the workspace sent itself; never another workspace's own.
  const clauses = [
    "created_at >= {from:DateTime64(3, 'UTC')}",
    "created_at < {to:DateTime64(3, 'UTC')}",
    "extract(id, '^[a-z][a-z0-9_-]*:@([a-z0-9][a-z0-9_-]{0,63}):') IN ('', {ws:String})",
    'intDiv(_part_offset, 8192) % {stride:UInt32} = 0',
  ];
  const prewhere = clauses.join(' AND ');
  clauses.length = 0;
  if (scope.needles !== null) {
    const folded = `translateUTF8(lowerUTF8(concat(text, ' ', ifNull(title, ''))), {ff:String}, {ft:String})`;
    params.ff = scope.fold.from;
    params.ft = scope.fold.to;
    params.needles = scope.needles;
    clauses.push(`multiSearchAny(${folded}, {needles:Array(String)})`);
  }
  return { prewhere, sql: clauses.length > 0 ? clauses.join(' AND ') : '1', params };
}

/** Mentions of the window per UTC day (no text is read: cheap), to choose a stride. */
export async function windowByDay(
  store: Store,
  scope: Omit<PreviewScope, 'needles' | 'stride'>,
): Promise<Array<{ day: string; n: number }>> {
  const w = where({ ...scope, needles: null, stride: 1 });
  const rows = await store.query<{ day: string; n: number }>(
    `SELECT toString(toDate(created_at)) AS day, count() AS n
     FROM mentions WHERE ${w.prewhere} GROUP BY day ORDER BY day`,
    w.params,
  );
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

/** Per UTC day of the window: the mentions the stride read, and those of them that may match. */
export async function candidatesByDay(
  store: Store,
  scope: PreviewScope,
): Promise<Array<{ day: string; read: number; n: number }>> {
  const w = where(scope);
  const rows = await store.query<{ day: string; read: number; n: number }>(
    `SELECT toString(toDate(created_at)) AS day, count() AS read, countIf(${w.sql}) AS n
     FROM mentions WHERE ${w.prewhere} GROUP BY day ORDER BY day`,
    w.params,
  );
  return rows.map((r) => ({ day: r.day, read: Number(r.read), n: Number(r.n) }));
}

/** Up to `limit` mentions that may match, an even sample when there are more. */
export async function candidateSample(
  store: Store,
  scope: PreviewScope,
  limit: number,
): Promise<PreviewRow[]> {
  const w = where(scope);
  return store.query<PreviewRow>(
    `SELECT id, toString(created_at) AS created, source, lang, text, title, url, author_handle
     FROM mentions PREWHERE ${w.prewhere} WHERE ${w.sql}
     ORDER BY cityHash64(id) LIMIT 1 BY id LIMIT {limit:UInt32}`,
    { ...w.params, limit },
  );
}

/** Mentions that may match, in id order after `afterId`: a re-match walks them page by page. */
export async function candidatePage(
  store: Store,
  scope: PreviewScope,
  afterId: string,
  limit: number,
): Promise<PreviewRow[]> {
  const w = where(scope);
  return store.query<PreviewRow>(
    `SELECT id, toString(created_at) AS created, source, lang, text, title, url, author_handle
     FROM mentions PREWHERE ${w.prewhere} AND id > {after:String} WHERE ${w.sql}
     ORDER BY id LIMIT 1 BY id LIMIT {limit:UInt32}`,
    { ...w.params, after: afterId, limit },
  );
}
