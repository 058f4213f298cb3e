import type { ConsumedMessage } from '../../core/bus/port.ts';
import { decodeEnriched } from '../../core/contracts/contract-check.ts';
import {
  deliveryToken,
  type DeliveryInfo,
  type ProcessResult,
  type Stage,
} from '../../core/stage-runner.ts';
import { toMentionRow } from '../mention-row.ts';
import type { Store } from '../port.ts';
import { muteNewMentions } from '../queries/mutes.ts';
import { applyEngagement, engagementOf, maxEngagement, type StoredMention } from './engagement.ts';

type Row = Record<string, unknown> & { id: string };

/**
 * The sink: enriched mentions → the `mentions` table (and, through materialized views,
 * `brand_mentions` and the rollups). One insert per consumed batch; the batch is sized by the
 * consumer's size and time bounds (SINK_BATCH_MAX_ROWS, SINK_FLUSH_INTERVAL_MS). The runner
 * commits offsets only after the inserts returned.
 *
 * Exactly-once effect on top of at-least-once delivery, in two layers:
 * 1. mentions already stored are not inserted again (one indexed lookup per batch), so a
 *    redelivered batch, a re-emitted demo minute or a re-imported file never reaches the
 *    rollups twice;
 * 2. the insert carries a dedup token naming the offset range, so a batch whose insert
 *    landed but whose lookup raced (a crash between insert and commit) is dropped by ClickHouse.
 * The first stored version of a mention wins, except for its engagement: a stored mention that
 * comes back with more likes, reposts, replies or views (a connector's refresh) is recorded as
 * an engagement update (engagement.ts), exactly once as well.
 */
export function sinkStage(store: Store): Stage<Row, Row> {
  return {
    name: 'sink',
    // The contract, with a hand-written check in front for the shape enrich produces.
    decode: (message: ConsumedMessage) => toMentionRow(decodeEnriched(message)) as Row,
    process: (rows: Row[]): ProcessResult<Row>[] => rows.map((value) => ({ ok: true, value })),
    deliver: async (rows: Row[], source: DeliveryInfo) => {
      // The last row of an id wins, with the highest engagement any of its rows reported.
      const byId = new Map<string, Row>();
      for (const r of rows) {
        const seen = byId.get(r.id);
        byId.set(
          r.id,
          seen === undefined ? r : { ...r, ...maxEngagement(engagementOf(seen), engagementOf(r)) },
        );
      }
      const stored = await store.query<StoredMention>(
        `SELECT id, created_at, source, lang, brand_workspaces, brand_ids, likes, reposts, replies, views
         FROM mentions WHERE id IN {ids:Array(String)}`,
        { ids: [...byId.keys()] },
      );
      const token = deliveryToken(source);
      const again = new Map<string, Row>();
      for (const { id } of stored) {
        const row = byId.get(id);
        if (row === undefined) continue;
        again.set(id, row);
        byId.delete(id);
      }
      await store.insert('mentions', [...byId.values()], { dedupToken: token });
      // New mentions of a muted author or domain leave that workspace's numbers at once.
      await muteNewMentions(store, [...byId.values()]);
      if (again.size > 0) await applyEngagement(store, again, stored, `${token}:engagement`);
    },
  };
}
