import type { Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';
import { resolvedTopic, survivingLabel, TOPIC_ALIASES } from './topic-aliases.ts';

/** Weekly digest numbers per brand of a workspace, from the hourly rollup. */
export interface DigestBrandTotals {
  brand: string;
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
}

export async function digestTotals(
  store: Store,
  workspace: string,
  from: Date,
  to: Date,
): Promise<DigestBrandTotals[]> {
  const rows = await store.query<DigestBrandTotals>(
    `SELECT brand, sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
        sum(negative) AS negative
      FROM brand_hourly
      WHERE workspace = {workspace:String}
        AND hour >= toStartOfHour({from:DateTime64(3, 'UTC')})
        AND hour < toStartOfHour({to:DateTime64(3, 'UTC')})
      GROUP BY brand ORDER BY brand`,
    { workspace, from: toClickHouseTime(from), to: toClickHouseTime(to) },
  );
  return rows.map((r) => ({
    brand: r.brand,
    volume: Number(r.volume),
    positive: Number(r.positive),
    neutral: Number(r.neutral),
    negative: Number(r.negative),
  }));
}

export async function digestTopTopics(
  store: Store,
  workspace: string,
  from: Date,
  to: Date,
  limit = 3,
): Promise<Array<{ brand: string; label: string; volume: number }>> {
  const rows = await store.query<{ brand: string; label: string; volume: number }>(
    // brand_mentions: each brand's own topics (a post other workspaces match has theirs too).
    // By topic after merges, then by label, as an alert's context (alerts-context.ts).
    `SELECT brand, label, sum(n) AS volume
      FROM (WITH ${TOPIC_ALIASES}
            SELECT brand, ${resolvedTopic('topic_id')} AS id,
                   ${survivingLabel('topic_id', 'topic_label', 'created_at')} AS label, count() AS n
            FROM brand_mentions FINAL
            ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
            WHERE workspace = {workspace:String}
              AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
            GROUP BY brand, id)
      GROUP BY brand, label
      ORDER BY brand, volume DESC, label
      LIMIT {limit:UInt32} BY brand`,
    { workspace, from: toClickHouseTime(from), to: toClickHouseTime(to), limit },
  );
  return rows.map((r) => ({ ...r, volume: Number(r.volume) }));
}
