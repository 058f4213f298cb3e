import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseKafkaLease, shouldStopBroker, takeKafkaLease } from './kafka.mjs';

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
});
