import kafkajs from 'kafkajs';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

const { Partitioners } = kafkajs;

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`) in 32-bit integer arithmetic. kafkajs's
 * own computes it with 64-bit `Long` objects (several allocations per 4 bytes of key) and only
 * ever keeps the low 32 bits, which depend only on the low 32 bits of every operand: the same
 * hash, equal to the bit (partitioner.test.ts holds it to kafkajs's on every kind of key).
 */
export function murmur2(data: Uint8Array, length: number = data.length): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The last 1–3 bytes (Java's switch with fall-through).
  const tail = length & ~3;
  const left = length & 3;
  if (left > 0) {
    if (left === 3) h ^= data[tail + 2]! << 16;
    if (left >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Keys of up to this many UTF-8 bytes are encoded into one reused buffer (ids are short). */
const SCRATCH = Buffer.alloc(1024);

/**
 * kafkajs's default partitioner (murmur2 of the key modulo the topic's partition count: the Java
 * client's, so a key lands where any Kafka client puts it), without its per-message costs: it
 * filtered the partition metadata and hashed through `Long` objects for every message, about
 * 3 µs of the enrich process's CPU a mention. A message with a partition, or without a key,
 * goes to kafkajs's own partitioner, unchanged.
 */
export const KeyHashPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs): number => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if (message.partition !== null && message.partition !== undefined) return fallback(args);
    let hash: number;
    if (typeof key === 'string')
      // Buffer.from(String(key)) in kafkajs: the key's UTF-8 bytes (at most 3 per UTF-16 unit).
      hash =
        key.length * 3 <= SCRATCH.length
          ? murmur2(SCRATCH, SCRATCH.write(key, 'utf8'))
          : murmur2(Buffer.from(key));
    else if (Buffer.isBuffer(key)) hash = murmur2(key);
    else return fallback(args); // no key: round robin
    return (hash & 0x7fffffff) % partitionMetadata.length;
  };
};
