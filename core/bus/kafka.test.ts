import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { DependencyUnavailableError } from '../errors.ts';
import { GZIP_LEVEL, mapKafkaError, splitUnder } from './kafka.ts';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
// The typings omit the `{ cause }` option kafkajs's retrier passes (src/retry/index.js).
const KafkaJSNonRetriableError = kafkajs.KafkaJSNonRetriableError as unknown as new (
  e: Error | string,
  options?: { cause?: unknown },
) => Error;

describe('mapKafkaError', () => {
  it('a produce that ends in KafkaJSNonRetriableError over a lost connection is a dependency failure', () => {
    // What kafkajs's nested retriers throw after a broker outage: the outer one wraps the inner
    // one's "retries exceeded" as non-retriable, with the connection error as the cause.
    const connection = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const exceeded = new KafkaJSNumberOfRetriesExceeded(connection, {
      retryCount: 8,
      retryTime: 10_000,
      cause: connection,
    } as never);
    const outer = new KafkaJSNonRetriableError(exceeded, { cause: connection });
    const mapped = mapKafkaError(outer, 'produce', { topic: 't' });
    expect(mapped).toBeInstanceOf(DependencyUnavailableError);
    expect(mapped.message).toMatch(/kafka produce failed/);
  });

  it('a non-retriable error with no retriable cause stays what it is', () => {
    const error = new KafkaJSNonRetriableError('Invalid topics array');
    expect(mapKafkaError(error, 'produce')).toBe(error);
  });
});

describe('gzip codec', () => {
  it('compresses produced batches at the cheap level, as plain gzip any consumer reads', async () => {
    const codec = (
      kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP] as () => {
        compress(encoder: { buffer: Buffer }): Promise<Buffer>;
        decompress(buffer: Buffer): Promise<Buffer>;
      }
    )();
    const batch = Buffer.from(
      JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: `demo:${i}`, text: 'ok' }))),
    );
    const compressed = await codec.compress({ buffer: batch });
    expect(GZIP_LEVEL).toBe(1);
    expect(compressed.equals(gzipSync(batch, { level: 1 }))).toBe(true);
    expect(compressed.equals(gzipSync(batch))).toBe(false); // kafkajs's own: zlib's level 6
    expect(gunzipSync(compressed).equals(batch)).toBe(true);
    expect((await codec.decompress(gzipSync(batch))).equals(batch)).toBe(true);
  });
});

describe('splitUnder (uncompressed produces under message.max.bytes)', () => {
  it('cuts consecutive parts of at most max units of keys and values, in order', () => {
    const ms = [5, 5, 5, 20, 1, 1].map((n, i) => ({ key: `${i}`, value: 'x'.repeat(n) }));
    const parts = splitUnder(ms, 13);
    expect(parts.map((p) => p.map((m) => m.key))).toEqual([['0', '1'], ['2'], ['3'], ['4', '5']]);
    expect(parts.flat()).toEqual(ms); // nothing lost, nothing reordered
    expect(splitUnder(ms, 1_000)).toEqual([ms]);
  });
});
