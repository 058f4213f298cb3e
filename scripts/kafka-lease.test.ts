import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  newClusterId,
  releaseKafkaLease,
  shouldStopBroker,
  takeKafkaLease,
  withStartLock,
} from './kafka.mjs';

// A port no broker uses: only its lease folder is touched.
const PORT = 65_011;
const dir = join(import.meta.dirname, '..', '.cache', 'kafka', String(PORT));
const leases = () => readdirSync(join(dir, 'leases')).sort();

describe('shared local broker: leases', () => {
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('only the last run stops a broker, and only one that tests started', () => {
    expect(shouldStopBroker({ liveLeases: 0, startedByTests: true })).toBe(true);
    expect(shouldStopBroker({ liveLeases: 1, startedByTests: true })).toBe(false);
    expect(shouldStopBroker({ liveLeases: 0, startedByTests: false })).toBe(false);
  });

  it('a run lets go of its own lease; a dead run’s lease is pruned; a live one stays', async () => {
    const dead = 2 ** 22 + 12_345; // above Linux's pid_max: never a live process
    takeKafkaLease({ port: PORT });
    takeKafkaLease({ port: PORT, pid: process.ppid });
    takeKafkaLease({ port: PORT, pid: dead });
    expect(leases()).toEqual([process.pid, process.ppid, dead].map(String).sort());

    expect(await releaseKafkaLease({ port: PORT })).toBe(false);
    expect(leases()).toEqual([String(process.ppid)]);
    expect(existsSync(join(dir, 'broker.pid'))).toBe(false);
  });

  it('two runs starting at once take turns to start the broker; a dead run’s lock is taken over', async () => {
    const order: string[] = [];
    const run = (name: string) =>
      withStartLock({ port: PORT }, async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${name} out`);
      });
    await Promise.all([run('a'), run('b')]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);

    const dead = 2 ** 22 + 12_345;
    writeFileSync(join(dir, 'start.lock'), String(dead));
    await withStartLock({ port: PORT, timeoutMs: 2_000 }, () => Promise.resolve());
    expect(existsSync(join(dir, 'start.lock'))).toBe(false);
  });
});

describe('local broker: cluster id', () => {
  it('never starts with a dash (the storage tool would read it as a flag)', () => {
    // One raw id in 64 starts with '-': 5,000 draws hold one with certainty but for 1e-34.
    const ids = Array.from({ length: 5_000 }, () => newClusterId());
    expect(ids.some((id) => id.startsWith('-'))).toBe(false);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
