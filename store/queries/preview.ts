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
  /** `translateUTF8` arguments of the fold's last step: one letter to one letter. */
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

/**
 * The text folded as `foldText` (cli/setup/prefilter.ts) folds it in JS: decomposed, lowercased,
 * marks, tatweel and ZWNJ/ZWJ dropped, then one letter to one (`{ff}` → `{ft}`). Without the
 * decomposition and the dropped marks a Persian word written with a ZWNJ, an Arabic one with
 * harakat or a decomposed "Zürich" would hold no needle, and a match would be lost.
 */
function foldedTextSql(expr: string): string {
  return `translateUTF8(replaceRegexpAll(lowerUTF8(normalizeUTF8NFKD(${expr})), '[\\\\p{M}\\\\x{0640}\\\\x{200C}\\\\x{200D}]', ''), {ff:String}, {ft:String})`;
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
    // A substring search first: the regex runs only on the few ids that can be namespaced.
    "if(position(id, ':@') = 0, '', extract(id, '^[a-z][a-z0-9_-]*:@([a-z0-9][a-z0-9_-]{0,63}):')) IN ('', {ws:String})",
    'intDiv(_part_offset, 8192) % {stride:UInt32} = 0',
  ];
  const prewhere = clauses.join(' AND ');
  clauses.length = 0;
  if (scope.needles !== null) {
    const folded = foldedTextSql(`concat(text, ' ', ifNull(title, ''))`);
    params.ff = scope.fold.from;
    params.ft = scope.fold.to;
    params.needles = scope.needles;
    clauses.push(`multiSearchAny(${folded}, {needles:Array(String)})`);
  }
  return { prewhere, sql: clauses.length > 0 ? clauses.join(' AND ') : '1', params };
}

/**
 * What changes whenever the stored mentions change (an insert, a merge, a delete): the active
 * parts of the table on this server. Metadata only: about a millisecond. Null when the table is
 * not local (a Distributed table's shards are elsewhere): then nothing can be trusted unchanged.
 */
export async function mentionsVersion(store: Store): Promise<string | null> {
  const [row] = await store.query<{ engine: string; v: string }>(
    `SELECT (SELECT any(engine) FROM system.tables WHERE database = currentDatabase() AND name = 'mentions') AS engine,
       concat(toString(count()), '/', toString(sum(rows)), '/', toString(max(max_block_number)), '/',
         toString(max(modification_time)), '/', toString(sum(cityHash64(name)))) AS v
     FROM system.parts WHERE database = currentDatabase() AND table = 'mentions' AND active`,
  );
  return row && row.engine.endsWith('MergeTree') ? row.v : null;
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

/**
 * Every mention of the stride's granules in the window (at most about the preview's scan
 * budget), in the order of a hash of the id: the preview keeps them while the user types and
 * narrows and matches them in the process (cli/setup/port.ts).
 */
export async function windowRows(
  store: Store,
  scope: Omit<PreviewScope, 'needles'>,
): Promise<PreviewRow[]> {
  const w = where({ ...scope, needles: null });
  return store.query<PreviewRow>(
    `SELECT id, toString(created_at) AS created, source, lang, text, title, url, author_handle
     FROM mentions WHERE ${w.prewhere}
     ORDER BY cityHash64(id), id LIMIT 1 BY id`,
    w.params,
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
