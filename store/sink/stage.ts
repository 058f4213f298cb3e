import type { ConsumedMessage } from '../../core/bus/port.ts';
import { decodeJson } from '../../core/contracts/codec.ts';
import { EnrichedMentionSchema } from '../../core/contracts/mention.ts';
import type { DeliveryInfo, ProcessResult, Stage } from '../../core/stage-runner.ts';
import { toMentionRow } from '../mention-row.ts';
import type { Store } from '../port.ts';

type Row = Record<string, unknown>;

/**
 * The sink: enriched mentions → the `mentions` table (and, through the materialized view,
 * `brand_mentions`). One insert per consumed batch; the batch is sized by the consumer's
 * size and time bounds (SINK_BATCH_MAX_ROWS, SINK_FLUSH_INTERVAL_MS). The runner commits
 * offsets only after the insert returned. The dedup token names the exact offset range, so
 * a batch redelivered after a crash between insert and commit is dropped by ClickHouse; the
 * ReplacingMergeTree on the mention id covers redeliveries with other boundaries.
 */
export function sinkStage(store: Store): Stage<Row, Row> {
  return {
    name: 'sink',
    decode: (message: ConsumedMessage) => toMentionRow(decodeJson(EnrichedMentionSchema, message)),
    process: (rows: Row[]): ProcessResult<Row>[] => rows.map((value) => ({ ok: true, value })),
    deliver: (rows: Row[], source: DeliveryInfo) =>
      store.insert('mentions', rows, {
        dedupToken: `${source.topic}:${source.partition}:${source.firstOffset}-${source.lastOffset}`,
      }),
  };
}
