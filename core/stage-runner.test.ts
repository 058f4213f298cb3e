import { describe, expect, it } from 'vitest';
import { InProcessBus } from './bus/in-process.ts';
import type { ConsumedMessage } from './bus/port.ts';
import { decodeJson } from './contracts/codec.ts';
import { DependencyUnavailableError, TooManyDeadLettersError } from './errors.ts';
import { silentLogger } from './logger.ts';
import {
  contentsHash,
  deliveryToken,
  StageRunner,
  type DeliveryInfo,
  type Stage,
} from './stage-runner.ts';
import { z } from 'zod';

const Item = z.object({ n: z.number().int() });
type Item = z.infer<typeof Item>;
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

/** A stage that doubles numbers; `deliver` is injectable to simulate acks, outages and crashes. */
function doubler(deliver: (out: number[]) => Promise<void>, failOn?: number): Stage<Item, number> {
  return {
    name: 'doubler',
    decode: (m: ConsumedMessage) => decodeJson(Item, m),
    process: (items) =>
      items.map((i) =>
        i.n === failOn
          ? { ok: false, reason: `cannot double ${i.n}` }
          : { ok: true, value: i.n * 2 },
      ),
    deliver,
  };
}

async function produceNumbers(
  bus: InProcessBus,
  topic: string,
  from: number,
  to: number,
): Promise<void> {
  const messages = [];
  for (let n = from; n < to; n++) messages.push({ key: String(n), value: JSON.stringify({ n }) });
  await bus.produce(topic, messages);
}

function runner(
  bus: InProcessBus,
  stage: Stage<Item, number>,
  extra: Partial<ConstructorParameters<typeof StageRunner>[1]> = {},
) {
  return new StageRunner(stage, {
    bus,
    logger: silentLogger(),
    consumer: { groupId: 'g', topics: ['in'], maxBatchSize: 50, maxWaitMs: 1 },
    retry: fastRetry,
    ...extra,
  });
}

describe('StageRunner on the in-process bus', () => {
  it("gives a new process's batches dedup tokens of their own, though its offsets start at 0 again", async () => {
    const tokens: string[] = [];
    for (let run = 0; run < 2; run++) {
      const bus = new InProcessBus(); // every process (an import, a restart) has a new one
      await produceNumbers(bus, 'in', 0, 3);
      const r = runner(bus, {
        ...doubler(() => Promise.resolve()),
        deliver: (_out: number[], info: DeliveryInfo) =>
          Promise.resolve(void tokens.push(deliveryToken(info))),
      });
      const running = r.run();
      await waitUntil(() => bus.lag('in', 'g') === 0);
      await r.stop();
      await running;
    }
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^memory-[0-9a-f-]{36}:in:0:0-2:[0-9a-f]{16}$/);
    expect(tokens[1]).toMatch(/:in:0:0-2:[0-9a-f]{16}$/);
    expect(tokens[1]).not.toBe(tokens[0]);
    // Kafka's offsets outlive the process: its tokens are the offsets and the contents.
    const at = (keys: Array<string | null>) =>
      deliveryToken({
        epoch: '',
        topic: 't',
        partition: 1,
        firstOffset: '5',
        lastOffset: '9',
        contents: contentsHash(
          keys.map((key, i) => ({
            topic: 't',
            partition: 1,
            offset: String(5 + i),
            key,
            value: Buffer.from(`v${i}`),
            headers: {},
          })),
        ),
      });
    // The same batch again (a redelivery) has the same token; a cluster or topic made anew
    // puts other messages at those offsets, and their token differs.
    expect(at(['a', 'b', null])).toBe(at(['a', 'b', null]));
    expect(at(['a', 'b', null])).toMatch(/^t:1:5-9:[0-9a-f]{16}$/);
    expect(at(['a', 'c', null])).not.toBe(at(['a', 'b', null]));
    expect(at(['ab', null])).not.toBe(at(['a', 'b']));
  });

  it('commits offsets only after deliver resolved', async () => {
    const bus = new InProcessBus();
    await produceNumbers(bus, 'in', 0, 10);
    let release!: () => void;
    const acked = new Promise<void>((r) => (release = r));
    const delivered: number[] = [];
    const r = runner(
      bus,
      doubler(async (out) => {
        await acked;
        delivered.push(...out);
      }),
    );
    const running = r.run();
    await new Promise((res) => setTimeout(res, 30));
    expect(delivered).toEqual([]);
    expect(bus.lag('in', 'g')).toBe(10); // nothing committed while the produce is not acked
    release();
    await waitUntil(() => bus.lag('in', 'g') === 0);
    expect(delivered).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    await r.stop();
    await running;
  });

  it('sends invalid and failed messages to <topic>.dlq with the reason and carries on', async () => {
    const bus = new InProcessBus();
    await bus.produce('in', [
      { key: 'a', value: '{"n": 1}' },
      { key: 'b', value: 'not json' },
      { key: 'c', value: '{"n": "two"}' },
      { key: 'd', value: '{"n": 7}' },
      { key: 'e', value: '{"n": 3}' },
    ]);
    const delivered: number[] = [];
    const dlq: ConsumedMessage[] = [];
    const dlqConsumer = bus.consumer({ groupId: 'dlq-reader', topics: ['in.dlq'], maxWaitMs: 1 });
    const reading = dlqConsumer.run((batch) => {
      dlq.push(...batch.messages);
      return Promise.resolve();
    });
    const r = runner(
      bus,
      doubler((out) => Promise.resolve(void delivered.push(...out)), 7),
    );
    const running = r.run();
    await waitUntil(() => dlq.length === 3 && bus.lag('in', 'g') === 0);
    expect(delivered).toEqual([2, 6]);
    expect(dlq.map((m) => m.value.toString())).toEqual(['not json', '{"n": "two"}', '{"n": 7}']);
    expect(dlq[0]!.headers['x-error-code']).toBe('invalid_message');
    expect(dlq[0]!.headers['x-error-reason']).toMatch(/not JSON/);
    expect(dlq[1]!.headers['x-error-reason']).toMatch(/n: .*number/i);
    expect(dlq[2]!.headers['x-error-reason']).toBe('cannot double 7');
    expect(dlq[2]!.headers['x-source-offset']).toBe('3');
    await Promise.all([r.stop(), dlqConsumer.stop()]);
    await Promise.all([running, reading]);
  });

  it('on a persistent dependency outage stops without committing, and a restart redelivers', async () => {
    const bus = new InProcessBus();
    await produceNumbers(bus, 'in', 0, 20);
    let attempts = 0;
    const failing = runner(
      bus,
      doubler(() => {
        attempts++;
        return Promise.reject(new DependencyUnavailableError('store down'));
      }),
    );
    await expect(failing.run()).rejects.toThrow('store down');
    expect(attempts).toBe(fastRetry.attempts);
    expect(bus.lag('in', 'g')).toBe(20);

    const delivered: number[] = [];
    const healthy = runner(
      bus,
      doubler((out) => Promise.resolve(void delivered.push(...out))),
    );
    const running = healthy.run();
    await waitUntil(() => bus.lag('in', 'g') === 0);
    expect(delivered).toHaveLength(20);
    await healthy.stop();
    await running;
  });

  it('a bug (non-retriable error) stops the stage at once, nothing committed', async () => {
    const bus = new InProcessBus();
    await produceNumbers(bus, 'in', 0, 5);
    let attempts = 0;
    const r = runner(
      bus,
      doubler(() => {
        attempts++;
        return Promise.reject(new TypeError('bug'));
      }),
    );
    await expect(r.run()).rejects.toThrow('bug');
    expect(attempts).toBe(1);
    expect(bus.lag('in', 'g')).toBe(5);
  });

  it('stops between micro-batches and commits only what was processed', async () => {
    const bus = new InProcessBus();
    await produceNumbers(bus, 'in', 0, 100);
    const delivered: number[] = [];
    const r = runner(
      bus,
      doubler((out) => Promise.resolve(void delivered.push(...out))),
      { microBatchSize: 10 },
    );
    const messages = (await collectBatch(bus, 100)).messages;
    let checks = 0;
    const outcome = await r.handleBatch(
      { topic: 'in', partition: 0, messages },
      () => ++checks < 3,
    );
    expect(delivered).toHaveLength(30);
    expect(outcome.lastProcessedOffset).toBe('29');
  });

  it('stops a stage that dead-letters too much in a row', async () => {
    const bus = new InProcessBus();
    await bus.produce(
      'in',
      Array.from({ length: 30 }, () => ({ key: null, value: 'garbage' })),
    );
    const r = runner(
      bus,
      doubler(() => Promise.resolve()),
      { maxConsecutiveDeadLetters: 20, microBatchSize: 10 },
    );
    await expect(r.run()).rejects.toBeInstanceOf(TooManyDeadLettersError);
    expect(bus.lag('in', 'g')).toBe(30);
  });
});

describe('InProcessBus', () => {
  it('applies backpressure: produce waits while a group is maxLag behind', async () => {
    const bus = new InProcessBus({ maxLag: 10 });
    const consumer = bus.consumer({
      groupId: 'slow',
      topics: ['t'],
      maxBatchSize: 5,
      maxWaitMs: 1,
    });
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const running = consumer.run(async () => {
      await gate;
    });
    let produced = 0;
    const producing = (async () => {
      for (let i = 0; i < 30; i++) {
        await bus.produce('t', [{ key: null, value: String(i) }]);
        produced++;
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    expect(produced).toBe(10); // blocked at maxLag
    const releaseAll = setInterval(() => {
      release();
      gate = new Promise<void>((r) => (release = r));
    }, 1);
    await producing;
    clearInterval(releaseAll);
    release();
    expect(produced).toBe(30);
    await consumer.stop();
    await running;
  });
});

async function collectBatch(bus: InProcessBus, n: number) {
  const messages: ConsumedMessage[] = [];
  const c = bus.consumer({
    groupId: `peek-${Math.random()}`,
    topics: ['in'],
    maxBatchSize: n,
    maxWaitMs: 1,
  });
  const running = c.run((batch) => {
    messages.push(...batch.messages);
    return Promise.resolve();
  });
  await waitUntil(() => messages.length >= n);
  await c.stop();
  await running;
  return { messages };
}

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
