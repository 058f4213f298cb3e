import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import type { PartitionerArgs, PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KeyHashPartitioner, murmur2 } from './partitioner.ts';

// kafkajs's own murmur2 (64-bit Long arithmetic), the reference.
const kafkajsMurmur2 = createRequire(import.meta.url)(
  'kafkajs/src/producer/partitioners/default/murmur2',
) as (key: Buffer | string) => number;

/** Keys of every length 0–40 and beyond the scratch buffer, ASCII, accented, CJK, emoji. */
function keys(): string[] {
  const alphabet = ['a', 'Z', '0', ':', '-', 'é', 'ß', '日', '本', '😀', '\u0000', 'ÿ'];
  const out: string[] = [''];
  let seed = 7;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let len = 1; len <= 40; len++)
    for (let n = 0; n < 25; n++) {
      let k = '';
      for (let i = 0; i < len; i++) k += alphabet[next() % alphabet.length];
      out.push(k);
    }
  out.push(
    'demo:29904480-0:bench',
    'reddit:t3_abc',
    'x'.repeat(341),
    'x'.repeat(342),
    '日'.repeat(700),
  );
  return out;
}

function meta(n: number): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionId: i,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
}

describe('murmur2 in 32-bit arithmetic', () => {
  it('equals kafkajs’s (the Java client’s) on every key, as string and as bytes', () => {
    const all = keys();
    expect(all.length).toBeGreaterThan(1_000);
    for (const k of all) {
      const bytes = Buffer.from(k);
      expect(murmur2(bytes), k).toBe(kafkajsMurmur2(k));
      expect(murmur2(bytes), k).toBe(kafkajsMurmur2(bytes));
    }
    // Kafka's own test vectors (clients/src/test/.../UtilsTest.java, testMurmur2).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(
      -58897971,
    );
  });
});

describe('KeyHashPartitioner', () => {
  it('puts every keyed message where kafkajs’s default partitioner puts it', () => {
    const ours = KeyHashPartitioner();
    const theirs = kafkajs.Partitioners.DefaultPartitioner();
    for (const partitions of [1, 2, 3, 4, 7, 12]) {
      const partitionMetadata = meta(partitions);
      for (const key of keys()) {
        for (const k of [key, Buffer.from(key)]) {
          const args: PartitionerArgs = {
            topic: 't',
            partitionMetadata,
            message: { key: k, value: 'v' },
          };
          expect(ours(args), `${key} over ${partitions}`).toBe(theirs(args));
        }
      }
    }
  });

  it('keeps a given partition, and spreads keyless messages over the partitions', () => {
    const ours = KeyHashPartitioner();
    const partitionMetadata = meta(4);
    expect(
      ours({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition: 3 } }),
    ).toBe(3);
    const seen = new Set<number>();
    for (let i = 0; i < 8; i++)
      seen.add(ours({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } }));
    expect(seen.size).toBe(4);
  });
});
