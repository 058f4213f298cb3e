import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type kafkajs from 'kafkajs';
import { KafkaBus, NONE_MAX_CHARS } from '../../core/bus/kafka.ts';
import { silentLogger } from '../../core/logger.ts';
import { uniqueSuffix } from '../support/store.ts';
import { connectedAdmin } from '../support/kafka-admin.ts';

/**
 * KAFKA_COMPRESSION=none on the real broker: a partition's record batch must then fit the
 * broker's message.max.bytes (1 MB by default) as it is. Enrich produces up to 2,000 enriched
 * mentions (1.2 kB each) at once; before the bus cut such a produce in parts, the broker refused
 * it ("a message larger than the max message size") and the enrich stage stopped.
 */
const services = inject('services');
let bus: KafkaBus;
let admin: kafkajs.Admin;

beforeAll(async () => {
  bus = new KafkaBus({
    brokers: services.kafka.brokers,
    clientId: 'earshot-test-uncompressed',
    partitions: 1,
    compression: 'none',
    logger: silentLogger(),
  });
  admin = await connectedAdmin(services.kafka.brokers, 'earshot-test-uncompressed-admin');
});

afterAll(async () => {
  await admin?.disconnect();
  await bus?.close();
});

describe('KafkaBus without compression', () => {
  it('produces 2,000 enriched-size messages (2.6 MB) to one partition in one call', async () => {
    const topic = `uncompressed.${uniqueSuffix()}`;
    await bus.ensureTopics([topic]);
    // 1.3 kB of JSON-like text each, some of it 3 bytes a character in UTF-8.
    const messages = Array.from({ length: 2_000 }, (_, i) => ({
      key: `demo:${i}`,
      value: JSON.stringify({ id: `demo:${i}`, text: `${'x'.repeat(1_200)} 日本語 ${i}` }),
    }));
    const chars = messages.reduce((n, m) => n + m.value.length + m.key.length, 0);
    expect(chars).toBeGreaterThan(3 * NONE_MAX_CHARS); // more than one broker batch's worth
    await bus.produce(topic, messages);
    // A second caller at once: merged only while the request still fits.
    await Promise.all([
      bus.produce(topic, messages.slice(0, 500)),
      bus.produce(topic, messages.slice(500, 900)),
    ]);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => Number(o.high))).toEqual([2_900]);
  });
});
