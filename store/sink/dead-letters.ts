import type { ConsumedMessage } from '../../core/bus/port.ts';
import { readDeadLetterHeaders } from '../../core/contracts/dead-letter.ts';
import {
  deliveryToken,
  type DeliveryInfo,
  type ProcessResult,
  type Stage,
} from '../../core/stage-runner.ts';
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
      ...readDeadLetterHeaders(m.headers, m.topic),
      payload: m.value.toString('utf8'),
    }),
    process: (rows: Row[]): ProcessResult<Row>[] => rows.map((value) => ({ ok: true, value })),
    deliver: (rows: Row[], source: DeliveryInfo) =>
      store.insert('dead_letters', rows, {
        dedupToken: deliveryToken(source),
      }),
  };
}
