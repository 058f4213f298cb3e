import type { ConsumedMessage } from '../../core/bus/port.ts';
import type { DeliveryInfo, ProcessResult, Stage } from '../../core/stage-runner.ts';
import type { Store } from '../port.ts';

type Row = Record<string, unknown>;

/** Copies dead letters from `<topic>.dlq` into the `dead_letters` table so people can inspect them. */
export function deadLetterSinkStage(store: Store): Stage<Row, Row> {
  return {
    name: 'dead-letter-sink',
    decode: (m: ConsumedMessage) => ({
      dlq_topic: m.topic,
      dlq_partition: m.partition,
      dlq_offset: m.offset,
      source_topic: m.headers['x-source-topic'] ?? m.topic.replace(/\.dlq$/, ''),
      source_offset: m.headers['x-source-offset'] ?? null,
      stage: m.headers['x-error-stage'] ?? 'unknown',
      error_code: m.headers['x-error-code'] ?? 'unknown',
      reason: m.headers['x-error-reason'] ?? '',
      payload: m.value.toString('utf8'),
      failed_at: m.headers['x-failed-at'] ?? new Date().toISOString(),
      // Who sent it, when a workspace did (its webhook); '' for sources and imports.
      workspace: m.headers['x-workspace'] ?? '',
    }),
    process: (rows: Row[]): ProcessResult<Row>[] => rows.map((value) => ({ ok: true, value })),
    deliver: (rows: Row[], source: DeliveryInfo) =>
      store.insert('dead_letters', rows, {
        dedupToken: `${source.topic}:${source.partition}:${source.firstOffset}-${source.lastOffset}`,
      }),
  };
}
