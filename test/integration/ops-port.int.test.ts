import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnEarshot } from '../support/earshot-process.ts';
import { uniqueSuffix } from '../support/store.ts';
import { waitFor } from '../support/wait-for.ts';
import { connectedAdmin } from '../support/kafka-admin.ts';

/**
 * Every `earshot run` process serves /healthz, /readyz and /metrics on its ops port. A sink
 * role on the real broker (its own KAFKA_NAMESPACE, so it shares the broker with other runs
 * without touching their topics or groups): not ready while it starts, ready once its
 * consumers are assigned, its stage series and consumer lag on /metrics, "stopped cleanly"
 * on SIGTERM.
 */
const services = inject('services');
const ns = `ops-${uniqueSuffix()}.`;
const children: ChildProcess[] = [];
let admin: kafkajs.Admin;

beforeAll(async () => {
  admin = await connectedAdmin(services.kafka.brokers, 'ops-port-test');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await admin?.disconnect();
});

interface Probe {
  status: number;
  body: {
    status: string;
    state: string;
    services: Record<string, { ready: boolean; detail?: Record<string, unknown> }>;
  };
}

async function probe(port: number, path: '/readyz' | '/healthz'): Promise<Probe> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, body: (await r.json()) as Probe['body'] };
}

describe('the ops port of `earshot run sink`', () => {
  it('answers not ready while starting, ready once its consumers are assigned, and serves metrics', async () => {
    const { child, output, exited } = spawnEarshot(
      ['run', 'sink'],
      {
        ...process.env,
        EARSHOT_BUS: 'kafka',
        KAFKA_BROKERS: services.kafka.brokers.join(','),
        KAFKA_NAMESPACE: ns,
        KAFKA_TOPIC_PARTITIONS: '2',
        CHDB_PATH: join(mkdtempSync(join(tmpdir(), 'earshot-ops-')), 'chdb'),
        OPS_PORT: '0',
        LOG_PRETTY: 'false',
        LOG_LEVEL: 'info',
        EARSHOT_CONFIG: '',
      },
      children,
    );

    const port = await waitFor(
      () => /"event":"ops_listening"[^\n]*"port":(\d+)/.exec(output())?.[1],
      { timeoutMs: 60_000, what: `ops_listening (output: ${output().slice(-400)})` },
    ).then(Number);

    // The ops port opens first: the store is still migrating, no consumer has joined.
    const first = await probe(port, '/readyz');
    expect(first.status).toBe(503);
    expect(first.body.status).not.toBe('ready');
    expect((await probe(port, '/healthz')).status).toBe(200);

    const ready = await waitFor(
      async () => {
        const p = await probe(port, '/readyz');
        return p.status === 200 ? p : null;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'readiness' },
    );
    expect(ready.body.status).toBe('ready');
    expect(ready.body.services.sink?.ready).toBe(true);
    expect(ready.body.services.sink?.detail).toMatchObject({
      group: 'earshot-sink',
      state: 'assigned',
      partitions: 2,
    });
    expect(ready.body.services['dead-letter-sink']?.ready).toBe(true);
    expect(ready.body.services.store?.ready).toBe(true);
    expect(ready.body.services.bus?.ready).toBe(true);

    // A message that is no mention: dead-lettered through the namespace, and counted.
    const producer = new kafkajs.Kafka({
      clientId: 'ops-port-producer',
      brokers: services.kafka.brokers,
      logLevel: kafkajs.logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({
      topic: `${ns}mentions.enriched.v1`,
      messages: [{ key: 'x', value: 'not json' }],
    });
    await producer.disconnect();
    // The lag gauge is set when the batch ends, after the dead letter was counted inside it:
    // wait for both (CI once read the page between the two).
    const lagLine = new RegExp(
      `earshot_consumer_lag\\{group="${ns.replace(/\./g, '\\.')}earshot-sink",topic="${ns.replace(/\./g, '\\.')}mentions\\.enriched\\.v1",partition="\\d"\\} 0`,
    );
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /earshot_stage_dead_letters_total\{stage="sink"\} 1/.test(text) && lagLine.test(text)
          ? text
          : null;
      },
      { timeoutMs: 60_000, what: 'the dead letter and the lag on /metrics' },
    );
    expect(metrics).toContain(`earshot_consumer_assigned_partitions{group="${ns}earshot-sink"} 2`);
    expect(metrics).toMatch(lagLine);
    expect(metrics).toContain('earshot_consumer_last_loop_timestamp_seconds');
    const topics = await admin.listTopics();
    expect(topics).toContain(`${ns}mentions.enriched.v1`);
    expect(topics).toContain(`${ns}mentions.enriched.v1.dlq`);
    expect(topics.filter((t) => t.startsWith(`${ns}${ns}`))).toEqual([]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('stopped cleanly');
  });
});
