import type { Store } from '../port.ts';

/**
 * What the alert detector reads: per-minute counts of a brand and its competitor set from the
 * `brand_minutely` rollup (never the raw mentions), optionally filtered by source and language.
 */

export interface AlertSeriesQuery {
  workspace: string;
  /** The brand the rule watches. */
  brand: string;
  /** Its competitor set (share of voice); may be empty. */
  competitors: readonly string[];
  from: Date;
  to: Date;
  sources?: readonly string[];
  langs?: readonly string[];
}

export interface AlertSeriesRow {
  /** Start of the minute, epoch ms. */
  t: number;
  total: number;
  pos: number;
  neu: number;
  neg: number;
  competitors: number;
}

export async function alertSeries(store: Store, q: AlertSeriesQuery): Promise<AlertSeriesRow[]> {
  const rows = await store.query<{
    t: number;
    own: number;
    total: number;
    pos: number;
    neu: number;
    neg: number;
  }>(
    `SELECT
        toUnixTimestamp(minute) * 1000 AS t,
        brand = {brand:String} AS own,
        sum(volume) AS total,
        sum(positive) AS pos,
        sum(neutral) AS neu,
        sum(negative) AS neg
      FROM brand_minutely
      WHERE workspace = {workspace:String}
        AND brand IN {brands:Array(String)}
        AND minute >= toDateTime({from:Int64}, 'UTC') AND minute < toDateTime({to:Int64}, 'UTC')
        AND (empty({sources:Array(String)}) OR has({sources:Array(String)}, source))
        AND (empty({langs:Array(String)}) OR has({langs:Array(String)}, lang))
      GROUP BY t, own
      ORDER BY t`,
    {
      workspace: q.workspace,
      brand: q.brand,
      brands: [q.brand, ...q.competitors],
      from: Math.floor(q.from.getTime() / 1000),
      to: Math.ceil(q.to.getTime() / 1000),
      sources: [...(q.sources ?? [])],
      langs: [...(q.langs ?? [])],
    },
  );
  const byT = new Map<number, AlertSeriesRow>();
  for (const r of rows) {
    const t = Number(r.t);
    const row = byT.get(t) ?? { t, total: 0, pos: 0, neu: 0, neg: 0, competitors: 0 };
    if (Number(r.own) === 1) {
      row.total += Number(r.total);
      row.pos += Number(r.pos);
      row.neu += Number(r.neu);
      row.neg += Number(r.neg);
    } else row.competitors += Number(r.total);
    byT.set(t, row);
  }
  return [...byT.values()];
}

/** When the workspace's data begins (epoch ms), or null when it has none. */
export async function alertDataStart(store: Store, workspace: string): Promise<number | null> {
  const [r] = await store.query<{ t: number; n: number }>(
    `SELECT toUnixTimestamp(min(minute)) * 1000 AS t, count() AS n
      FROM brand_minutely WHERE workspace = {workspace:String}`,
    { workspace },
  );
  return r && Number(r.n) > 0 ? Number(r.t) : null;
}
