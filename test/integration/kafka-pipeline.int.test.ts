import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import kafkajs from 'kafkajs';
import { KafkaBus } from '../../core/bus/kafka.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import { dlqTopic } from '../../core/contracts/topics.ts';
import { silentLogger } from '../../core/logger.ts';
import { StageRunner, type Stage } from '../../core/stage-runner.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { enrichStage } from '../../enrich/stage.ts';
import { range } from '../../ingest/demo/connector.ts';
import type { Store } from '../../store/port.ts';
import { deadLetterSinkStage } from '../../store/sink/dead-letters.ts';
import { sinkStage } from '../../store/sink/stage.ts';
import { freshStore, uniqueSuffix } from '../support/store.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The walking skeleton on real services: a real Kafka broker and a real ClickHouse engine
 * (chdb, or a server when CLICKHOUSE_URL is set). Topics carry a random suffix per run.
 */
const services = inject('services');
const logger = silentLogger();
let bus: KafkaBus;
let store: Store;

beforeAll(async () => {
  bus = new KafkaBus({
    brokers: services.kafka.brokers,
    clientId: 'earshot-test',
    partitions: 4,
    logger,
  });
  store = await freshStore(services);
});

afterAll(async () => {
  await bus?.close();
  await store?.close();
});

function topicsFor(suffix: string) {
  return { raw: `mentions.raw.v1.${suffix}`, enriched: `mentions.enriched.v1.${suffix}` };
}

function tenThousandMentions(): Mention[] {
  const start = Date.parse('2026-11-10T00:00:00Z');
  const mentions = range(start, start + 24 * 3_600_000, { ratePerMinute: 20, incident: null });
  expect(mentions.length).toBeGreaterThanOrEqual(10_000);
  return mentions.slice(0, 10_000);
}

async function produceMentions(topic: string, mentions: Mention[]): Promise<void> {
  for (let i = 0; i < mentions.length; i += 2_000) {
    await bus.produce(
      topic,
      mentions.slice(i, i + 2_000).map((m) => ({ key: m.id, value: JSON.stringify(m) })),
    );
  }
}

function enrichRunnerFor(t: ReturnType<typeof topicsFor>, suffix: string) {
  const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
  return new StageRunner(enrichStage(bus, enrichers, t.enriched), {
    bus,
    logger,
    consumer: { groupId: `enrich-${suffix}`, topics: [t.raw], maxBatchSize: 2_000, maxWaitMs: 100 },
  });
}

function sinkRunnerFor<T>(stage: Stage<T, T>, t: ReturnType<typeof topicsFor>, suffix: string) {
  return new StageRunner(stage, {
    bus,
    logger,
    consumer: {
      groupId: `sink-${suffix}`,
      topics: [t.enriched],
      maxBatchSize: 5_000,
      maxWaitMs: 200,
    },
    microBatchSize: 5_000,
  });
}

async function countMentions(): Promise<{ rows: number; unique: number }> {
  const [r] = await store.query<{ rows: number; unique: number }>(
    'SELECT count() AS rows, uniqExact(id) AS unique FROM mentions FINAL',
  );
  return r!;
}

describe('pipeline on a real Kafka broker and a real ClickHouse engine', () => {
  it('10,000 mentions: raw → enrich → sink → exactly 10,000 rows', async () => {
    const suffix = uniqueSuffix();
    const t = topicsFor(suffix);
    await bus.ensureTopics([t.raw, t.enriched, dlqTopic(t.raw), dlqTopic(t.enriched)]);
    const mentions = tenThousandMentions();
    const started = performance.now();
    await produceMentions(t.raw, mentions);

    const enrich = enrichRunnerFor(t, suffix);
    const sink = sinkRunnerFor(sinkStage(store), t, suffix);
    const running = [enrich.run(), sink.run()];
    await waitFor(async () => (await countMentions()).rows >= 10_000, {
      timeoutMs: 120_000,
      what: '10,000 rows',
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[figure] kafka pipeline: 10,000 mentions produced → enriched → stored in ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)} rows/s)`,
    );

    await Promise.all([enrich.stop(), sink.stop()]);
    await Promise.all(running);
    expect(await countMentions()).toEqual({ rows: 10_000, unique: 10_000 });
    const [brands] = await store.query<{ n: number }>(
      'SELECT count() AS n FROM brand_mentions FINAL',
    );
    expect(brands!.n).toBeGreaterThanOrEqual(10_000); // every demo mention names a demo brand
  });

  it('a sink that dies after its insert and before its commit, then restarts, leaves exactly 10,000', async () => {
    const suffix = uniqueSuffix();
    const t = topicsFor(suffix);
    await store.command('TRUNCATE TABLE mentions');
    await store.command('TRUNCATE TABLE brand_mentions');
    await bus.ensureTopics([t.raw, t.enriched, dlqTopic(t.raw), dlqTopic(t.enriched)]);
    await produceMentions(t.raw, tenThousandMentions());

    const enrich = enrichRunnerFor(t, suffix);
    const enriching = enrich.run();

    // First sink: inserts its first batch, then "crashes" before the offsets are committed.
    const real = sinkStage(store);
    let crashed = false;
    const crashing: typeof real = {
      ...real,
      deliver: async (rows, info) => {
        await real.deliver(rows, info);
        if (!crashed) {
          crashed = true;
          throw new Error('simulated crash between insert and commit');
        }
      },
    };
    await expect(sinkRunnerFor(crashing, t, suffix).run()).rejects.toThrow('simulated crash');
    const afterCrash = await countMentions();
    expect(afterCrash.rows).toBeGreaterThan(0);
    expect(afterCrash.rows).toBeLessThan(10_000);

    // Restart: the same group gets the uncommitted batch again.
    const sink = sinkRunnerFor(sinkStage(store), t, suffix);
    const sinking = sink.run();
    await waitFor(async () => (await countMentions()).rows >= 10_000, {
      timeoutMs: 120_000,
      what: '10,000 rows after restart',
    });
    await Promise.all([enrich.stop(), sink.stop()]);
    await Promise.all([enriching, sinking]);
    expect(await countMentions()).toEqual({ rows: 10_000, unique: 10_000 });
  });

  it('100 invalid messages land in the DLQ with reasons while the valid ones flow', async () => {
    const suffix = uniqueSuffix();
    const t = topicsFor(suffix);
    await store.command('TRUNCATE TABLE mentions');
    await bus.ensureTopics([t.raw, t.enriched, dlqTopic(t.raw), dlqTopic(t.enriched)]);
    const valid = tenThousandMentions().slice(0, 1_000);
    const invalid = Array.from({ length: 100 }, (_, i) =>
      i % 3 === 0
        ? { key: `bad-${i}`, value: `{not json ${i}` }
        : i % 3 === 1
          ? {
              key: `bad-${i}`,
              value: JSON.stringify({ id: `x:${i}`, source: 'test', text: 'no date' }),
            }
          : { key: `bad-${i}`, value: JSON.stringify({ ...valid[i], id: 'no-prefix' }) },
    );
    // Interleave: invalid messages must not hold up the valid ones.
    const messages = valid.flatMap((m, i) => [
      { key: m.id, value: JSON.stringify(m) },
      ...(i % 10 === 0 ? [invalid[i / 10]!] : []),
    ]);
    await bus.produce(t.raw, messages);

    const enrich = enrichRunnerFor(t, suffix);
    const sink = sinkRunnerFor(sinkStage(store), t, suffix);
    const dlqSink = new StageRunner(deadLetterSinkStage(store), {
      bus,
      logger,
      consumer: { groupId: `dlq-${suffix}`, topics: [dlqTopic(t.raw)], maxWaitMs: 200 },
    });
    const running = [enrich.run(), sink.run(), dlqSink.run()];
    await waitFor(async () => (await countMentions()).rows >= 1_000, {
      timeoutMs: 120_000,
      what: 'valid mentions stored',
    });
    const deadLetters = await waitFor(
      async () => {
        const rows = await store.query<{ reason: string; error_code: string; payload: string }>(
          'SELECT reason, error_code, payload FROM dead_letters FINAL WHERE dlq_topic = {topic:String}',
          { topic: dlqTopic(t.raw) },
        );
        return rows.length >= 100 ? rows : null;
      },
      { timeoutMs: 60_000, what: '100 dead letters' },
    );
    await Promise.all([enrich.stop(), sink.stop(), dlqSink.stop()]);
    await Promise.all(running);

    expect(await countMentions()).toEqual({ rows: 1_000, unique: 1_000 });
    expect(deadLetters).toHaveLength(100);
    expect(
      deadLetters.every((d) => d.error_code === 'invalid_message' && d.reason.length > 0),
    ).toBe(true);
    expect(deadLetters.filter((d) => d.reason.startsWith('not JSON'))).toHaveLength(34);
    expect(deadLetters.some((d) => /created_at/.test(d.reason))).toBe(true);
    expect(deadLetters.some((d) => /id must look like/.test(d.reason))).toBe(true);
    // The original payload is kept byte for byte.
    expect(deadLetters.map((d) => d.payload)).toContain('{not json 0');

    // And the DLQ topic itself carries the reason in headers.
    const headers = await firstDlqHeaders(dlqTopic(t.raw), suffix);
    expect(headers['x-error-reason']).toBeTruthy();
    expect(headers['x-source-topic']).toBe(t.raw);
  });
});

async function firstDlqHeaders(topic: string, suffix: string): Promise<Record<string, string>> {
  const kafka = new kafkajs.Kafka({
    brokers: services.kafka.brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `peek-${suffix}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const headers = await new Promise<Record<string, string>>((resolve) => {
    void consumer.run({
      eachMessage: ({ message }) => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) h[k] = String(v);
        resolve(h);
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return headers;
}
