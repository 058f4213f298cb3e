import type { ConsumedMessage } from '../../core/bus/port.ts';
import { decodeJson } from '../../core/contracts/codec.ts';
import { EnrichedMentionSchema } from '../../core/contracts/mention.ts';
import type { DeliveryInfo, ProcessResult, Stage } from '../../core/stage-runner.ts';
import { toMentionRow } from '../mention-row.ts';
import type { Store } from '../port.ts';

type Row = Record<string, unknown> & { id: string };

/**
 * The sink: enriched mentions → the `mentions` table (and, through materialized views,
 * `brand_mentions` and the `brand_hourly` rollup). One insert per consumed batch; the batch is
 * sized by the consumer's size and time bounds (SINK_BATCH_MAX_ROWS, SINK_FLUSH_INTERVAL_MS).
 * The runner commits offsets only after the insert returned.
 *
 * Exactly-once effect on top of at-least-once delivery, in two layers:
 * 1. mentions already stored are skipped (one indexed lookup per batch), so a redelivered
 *    batch, a re-emitted demo minute or a re-imported file never reaches the rollups twice;
 * 2. the insert carries a dedup token naming the offset range, so a batch whose insert
 *    landed but whose lookup raced (a crash between insert and commit) is dropped by ClickHouse.
 * The first stored version of a mention wins; re-enrichment is a new topic version, not an upsert.
 */
export function sinkStage(store: Store): Stage<Row, Row> {
  return {
    name: 'sink',
    decode: (message: ConsumedMessage) =>
      toMentionRow(decodeJson(EnrichedMentionSchema, message)) as Row,
    process: (rows: Row[]): ProcessResult<Row>[] => rows.map((value) => ({ ok: true, value })),
    deliver: async (rows: Row[], source: DeliveryInfo) => {
      const byId = new Map(rows.map((r) => [r.id, r]));
      const stored = await store.query<{ id: string }>(
        'SELECT id FROM mentions WHERE id IN {ids:Array(String)}',
        {
          ids: [...byId.keys()],
        },
      );
      for (const { id } of stored) byId.delete(id);
      await store.insert('mentions', [...byId.values()], {
        dedupToken: `${source.topic}:${source.partition}:${source.firstOffset}-${source.lastOffset}`,
      });
    },
  };
}
