import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { StageRunner, type Stage } from '../../stage-runner.ts';
import { metrics } from '../../metrics.ts';
import type { BatchHandler, Bus, ConsumerOptions } from '../port.ts';

export interface BusContractOptions {
  /** How long to wait for a delivery (a Kafka group join takes seconds). */
  timeoutMs?: number;
  /** How long a batch may take to fill (the consumers' `maxWaitMs`). */
  maxWaitMs?: number;
}

/**
 * The semantics every bus adapter promises (core/bus/port.ts), as one suite run against each:
 * the in-process bus in the unit project (`core/bus/in-process.test.ts`) and Kafka in the
 * integration project (`test/integration/bus-contract.int.test.ts`), as `defineApiSuite` does
 * for the two stores. What a group committed is observed the only way that works on both: a
 * second consumer of the same group starts where the first one's commits left it.
 *
 * `makeBus` must give topics one partition, so a batch holds what one produce sent.
 */
export function defineBusContract(
  name: string,
  makeBus: () => Bus | Promise<Bus>,
  options: BusContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxWaitMs = options.maxWaitMs ?? 1;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let bus: Bus;
  let n = 0;

  beforeAll(async () => {
    bus = await makeBus();
  });
  afterAll(async () => {
    await bus?.close();
  });

  /** A fresh topic holding `values`, and a group that has not read it. */
  async function topicWith(values: string[]): Promise<ConsumerOptions> {
    n++;
    const topic = `bus-contract.${run}.${n}`;
    await bus.ensureTopics([topic]);
    await bus.produce(
      topic,
      values.map((value) => ({ key: null, value })),
    );
    return { groupId: `bus-contract-${run}-${n}`, topics: [topic], maxBatchSize: 100, maxWaitMs };
  }

  /** What a new member of the group receives, until `count` values arrived. */
  async function nextMemberReads(group: ConsumerOptions, count: number): Promise<string[]> {
    const seen: string[] = [];
    const consumer = bus.consumer(group);
    const running = consumer.run((batch) => {
      seen.push(...batch.messages.map((m) => m.value.toString()));
      return Promise.resolve();
    });
    try {
      await waitUntil(() => seen.length >= count, timeoutMs);
    } finally {
      await consumer.stop();
      await running;
    }
    return seen;
  }

  /** Runs one member with `handler` until `until()` holds, then stops it (errors are the test's). */
  async function member(
    group: ConsumerOptions,
    handler: BatchHandler,
    until: () => boolean,
  ): Promise<unknown> {
    const consumer = bus.consumer(group);
    let failure: unknown = null;
    const running = consumer.run(handler).catch((error: unknown) => {
      failure = error;
    });
    await waitUntil(until, timeoutMs);
    await consumer.stop();
    await running;
    return failure;
  }

  describe(`bus contract: ${name}`, () => {
    it('produces called at once (several partitions handled together) each land whole and in order', async () => {
      const group = await topicWith([]);
      const topic = group.topics[0]!;
      const other = `${topic}.other`;
      await bus.ensureTopics([other]);
      // 20 callers at once, two topics, 50 messages each: all acknowledged, none lost or doubled.
      await Promise.all(
        Array.from({ length: 20 }, (_, c) =>
          bus.produce(
            c % 2 === 0 ? topic : other,
            Array.from({ length: 50 }, (_, i) => ({ key: null, value: `${c}:${i}` })),
          ),
        ),
      );
      const seen = await nextMemberReads(group, 500);
      expect(seen.length).toBe(500);
      expect(new Set(seen).size).toBe(500);
      for (let c = 0; c < 20; c += 2) {
        const mine = seen.filter((v) => v.startsWith(`${c}:`));
        expect(mine).toEqual(Array.from({ length: 50 }, (_, i) => `${c}:${i}`));
      }
    });

    it('commits a batch after the handler resolved: the group goes on after it', async () => {
      const group = await topicWith(['a', 'b', 'c']);
      const seen: string[] = [];
      const failure = await member(
        group,
        (batch) => {
          seen.push(...batch.messages.map((m) => m.value.toString()));
          return Promise.resolve();
        },
        () => seen.length >= 3,
      );
      expect(failure).toBeNull();
      expect(seen).toEqual(['a', 'b', 'c']);
      await bus.produce(group.topics[0]!, [{ key: null, value: 'd' }]);
      expect(await nextMemberReads(group, 1)).toEqual(['d']);
    });

    it('reports its lag as earshot_consumer_lag: what is left after the batch it handled', async () => {
      const group = await topicWith(['a', 'b', 'c']);
      const [topic] = group.topics;
      const lagOf = async () =>
        (await metrics.consumerLag.get()).values.find(
          (v) => v.labels.group === group.groupId && v.labels.topic === topic,
        )?.value;
      let handled = 0;
      const consumer = bus.consumer(group);
      const running = consumer.run((batch) => {
        handled += batch.messages.length;
        return Promise.resolve();
      });
      try {
        await waitUntil(() => handled >= 3, timeoutMs);
        // Kafka's consumer reports it just after the batch: poll a little.
        const deadline = Date.now() + timeoutMs;
        while ((await lagOf()) !== 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(await lagOf()).toBe(0);
      } finally {
        await consumer.stop();
        await running;
      }
    });

    it('delivers a batch again after the handler threw, and the run rejects with the error', async () => {
      const group = await topicWith(['a', 'b', 'c']);
      const crash = new Error('crash');
      let calls = 0;
      const consumer = bus.consumer(group);
      await expect(
        consumer.run(() => {
          calls++;
          return Promise.reject(crash);
        }),
      ).rejects.toBe(crash);
      await consumer.stop();
      expect(calls).toBe(1);
      expect(await nextMemberReads(group, 3)).toEqual(['a', 'b', 'c']);
    });

    it('commits only up to lastProcessedOffset: the rest is delivered again', async () => {
      const group = await topicWith(['a', 'b', 'c', 'd']);
      const batches: string[][] = [];
      await member(
        group,
        (batch) => {
          batches.push(batch.messages.map((m) => m.value.toString()));
          // The first batch is half handled; whatever comes next fails, so it commits nothing.
          if (batches.length > 1) return Promise.reject(new Error('not this time'));
          return Promise.resolve({ lastProcessedOffset: batch.messages[1]!.offset });
        },
        () => batches.length >= 1,
      );
      expect(batches[0]).toEqual(['a', 'b', 'c', 'd']);
      // Redelivered to this member at once, or to the next: never the two handled ones.
      for (const again of batches.slice(1)) expect(again).toEqual(['c', 'd']);
      expect(await nextMemberReads(group, 2)).toEqual(['c', 'd']);
    });

    it('stop() lets the batch in flight finish and commits what it reported', async () => {
      const group = await topicWith(['a', 'b', 'c', 'd']);
      const consumer = bus.consumer(group);
      let entered!: () => void;
      const inFlight = new Promise<void>((resolve) => (entered = resolve));
      let sawStop = false;
      const running = consumer.run(async (batch, context) => {
        entered();
        // A stage checks isRunning between micro-batches: handle one, then notice the stop.
        await waitUntil(() => !context.isRunning(), timeoutMs);
        sawStop = true;
        return { lastProcessedOffset: batch.messages[0]!.offset };
      });
      await inFlight;
      await consumer.stop();
      expect(sawStop).toBe(true);
      await running;
      expect(await nextMemberReads(group, 3)).toEqual(['b', 'c', 'd']);
    });

    it('a StageRunner commits what it delivered, and nothing of a batch whose deliver failed', async () => {
      const group = await topicWith(['1', '2', '3']);
      const stage = (deliver: (out: number[]) => Promise<void>): Stage<number, number> => ({
        name: 'contract',
        decode: (m) => Number(m.value.toString()),
        process: (inputs) => inputs.map((value) => ({ ok: true, value: value * 10 })),
        deliver,
      });
      const runnerOptions = {
        bus,
        logger: silentLogger(),
        consumer: group,
        retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      };
      const broken = new StageRunner(
        stage(() => Promise.reject(new TypeError('bug'))),
        runnerOptions,
      );
      await expect(broken.run()).rejects.toThrow('bug');

      const delivered: number[] = [];
      const healthy = new StageRunner(
        stage((out) => Promise.resolve(void delivered.push(...out))),
        runnerOptions,
      );
      const running = healthy.run();
      await waitUntil(() => delivered.length >= 3, timeoutMs);
      await healthy.stop();
      await running;
      expect(delivered).toEqual([10, 20, 30]);
      await bus.produce(group.topics[0]!, [{ key: null, value: '4' }]);
      expect(await nextMemberReads(group, 1)).toEqual(['4']);
    });
  });
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
