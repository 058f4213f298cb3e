import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '../../core/bus/kafka.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import { dlqTopic } from '../../core/contracts/topics.ts';
import { silentLogger } from '../../core/logger.ts';
import { StageRunner } from '../../core/stage-runner.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { enrichStage } from '../../enrich/stage.ts';
import { range } from '../../ingest/demo/connector.ts';
import type { Store } from '../../store/port.ts';
import { sinkStage } from '../../store/sink/stage.ts';
import { freshStore, uniqueSuffix } from '../support/store.ts';
import { waitFor } from '../support/wait-for.ts';
import { startProxy, type CuttableProxy } from './proxy.ts';

/**
 * A 30 s broker outage in the middle of a stream. Found on a real broker: the sink's offset
 * commit failed 0.4 s after the broker stopped and stopped the stage; enrich's produce ended in
 * KafkaJSNonRetriableError, not classed as a dependency failure, and stopped enrich. The
 * pipeline must ride it out by itself: every mention stored once, none lost, none twice.
 *
 * The enrich and sink stages reach the shared broker through a proxy this test cuts (it never
 * stops the broker); the producer upstream writes to the broker directly, all along.
 */
const services = inject('services');
const logger = silentLogger();
const OUTAGE_MS = 30_000; // the outage the issue was found with
let direct: KafkaBus;
let proxied: KafkaBus;
let proxy: CuttableProxy;
let store: Store;

beforeAll(async () => {
  proxy = await startProxy(services.kafka.brokers[0]!);
  direct = new KafkaBus({
    brokers: services.kafka.brokers,
    clientId: 'faults-producer',
    partitions: 2,
    logger,
  });
  proxied = new KafkaBus({
    brokers: services.kafka.brokers,
    clientId: 'faults-pipeline',
    partitions: 2,
    logger,
    socketFactory: proxy.socketFactory,
  });
  store = await freshStore(services);
});

afterAll(async () => {
  await proxied?.close().catch(() => undefined);
  await direct?.close();
  await proxy?.close();
  await store?.close();
});

async function countMentions(): Promise<{ rows: number; unique: number }> {
  const [r] = await store.query<{ rows: number; unique: number }>(
    'SELECT count() AS rows, uniqExact(id) AS unique FROM mentions FINAL',
  );
  return { rows: Number(r!.rows), unique: Number(r!.unique) };
}

describe('a broker outage in mid-stream', () => {
  it(`is ridden out: enrich and sink resume by themselves, stored = produced`, async () => {
    const suffix = uniqueSuffix();
    const raw = `faults.raw.${suffix}`;
    const enriched = `faults.enriched.${suffix}`;
    await direct.ensureTopics([raw, enriched, dlqTopic(raw), dlqTopic(enriched)]);
    const start = Date.parse('2026-11-10T00:00:00Z');
    const mentions: Mention[] = range(start, start + 24 * 3_600_000, {
      ratePerMinute: 5,
      incident: null,
    }).slice(0, 3_000);
    expect(mentions).toHaveLength(3_000);

    const enrich = new StageRunner(
      enrichStage(proxied, loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH)), enriched),
      {
        bus: proxied,
        logger,
        consumer: { groupId: `enrich-${suffix}`, topics: [raw], maxBatchSize: 200, maxWaitMs: 100 },
      },
    );
    const sink = new StageRunner(sinkStage(store), {
      bus: proxied,
      logger,
      consumer: {
        groupId: `sink-${suffix}`,
        topics: [enriched],
        maxBatchSize: 200,
        maxWaitMs: 100,
      },
      microBatchSize: 200,
    });
    const failures: unknown[] = [];
    const running = [enrich.run(), sink.run()];
    for (const r of running) r.catch((e: unknown) => failures.push(e));

    // A steady stream, 100 mentions every 250 ms, so the cut lands on batches in flight.
    let produced = 0;
    const producing = (async () => {
      for (let i = 0; i < mentions.length; i += 100) {
        const slice = mentions.slice(i, i + 100);
        await direct.produce(
          raw,
          slice.map((m) => ({ key: m.id, value: JSON.stringify(m) })),
        );
        produced += slice.length;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    await waitFor(async () => (await countMentions()).rows > 0, {
      timeoutMs: 90_000,
      what: 'the first mentions stored',
    });
    proxy.cut();
    const cutAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const storedDuringOutage = (await countMentions()).rows;
    proxy.restore();
    const restoredAt = Date.now();
    await producing;
    expect(produced).toBe(3_000);

    await waitFor(async () => failures.length > 0 || (await countMentions()).rows >= 3_000, {
      timeoutMs: 180_000,
      what: 'every mention stored after the outage',
    });
    const caughtUpS = (Date.now() - restoredAt) / 1000;
    expect(failures.map(String)).toEqual([]);
    // Settle: a redelivered batch arriving late would show as a duplicate here.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await countMentions()).toEqual({ rows: 3_000, unique: 3_000 });
    console.log(
      `[figure] broker outage ${((restoredAt - cutAt) / 1000).toFixed(0)} s mid-stream: ` +
        `${storedDuringOutage} stored before the cut, all 3,000 stored ${caughtUpS.toFixed(1)} s after the broker came back, no duplicates`,
    );

    await Promise.all([enrich.stop(), sink.stop()]);
    await Promise.all(running);
  });
});
