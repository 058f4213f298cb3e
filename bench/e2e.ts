import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { KafkaBus } from '../core/bus/kafka.ts';
import type { Mention } from '../core/contracts/mention.ts';
import { Topics } from '../core/contracts/topics.ts';
import { silentLogger } from '../core/logger.ts';
import { range } from '../ingest/demo/connector.ts';
import { ClickHouseServerStore } from '../store/clickhouse-server.ts';
import { startChdbHttpFront } from '../test/support/clickhouse-http.ts';
import type { BenchResult } from './types.ts';

/**
 * `npm run bench -- e2e`: the pipeline end to end on a real Kafka broker (KAFKA_BROKERS; `npm
 * run kafka:up` starts one), each role in its own `earshot run` process as in production,
 * each run in its own KAFKA_NAMESPACE. The store is the ClickHouse engine behind the loopback
 * HTTP front (test/support/clickhouse-http.ts), in this process: separate processes cannot
 * share the embedded engine's directory.
 *
 * 1. sustained: BENCH_E2E_MENTIONS demo mentions (default 200,000) produced as fast as the
 *    broker takes them; mentions/s from the first produce until the sink committed the last
 *    (it commits only after the insert returned, so committed = queryable);
 * 2. the same with BENCH_E2E_ENRICH enrich processes (default 1; 2 is the scale-out recipe);
 * 3. latency: 50 mentions/s for BENCH_E2E_TRICKLE_S seconds (default 20), each one's time
 *    from produce until a query of the store finds it; p50/p95/max.
 *
 * BENCH_E2E_WARMUP mentions (default 0) go through first, unmeasured: the rate and CPU are then
 * those of warm processes, as in a long run.
 *
 * BENCH_E2E_LAYOUT=combined runs enrich and sink in one `earshot run enrich sink` process on
 * the embedded engine instead (no HTTP front; sustained rate only).
 *
 * The sentiment tier is `fast` (the target is stated for it; BENCH_E2E_TIER=auto|accurate to
 * measure the others). On a shared machine wall-clock rates say little: the CPU each process
 * spent per mention (from /proc) is printed too, with the load average, so a run on a quiet
 * machine can be compared with one on a busy machine.
 */
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const total = Number(process.env.BENCH_E2E_MENTIONS ?? 200_000);
/**
 * Mentions stored before the measured run (default 0): a role process compiles its hot code on
 * V8's background threads during its first mentions, which a short run counts as per-mention CPU
 * (measured on a cold 20,000-mention run: 60–70 µs of enrich's CPU a mention on those threads).
 */
const warmup = Number(process.env.BENCH_E2E_WARMUP ?? 0);
const enrichReplicas = Number(process.env.BENCH_E2E_ENRICH ?? 1);
const partitions = Number(process.env.BENCH_E2E_PARTITIONS ?? 4);
const trickleSeconds = Number(process.env.BENCH_E2E_TRICKLE_S ?? 20);
const layout = process.env.BENCH_E2E_LAYOUT === 'combined' ? 'combined' : 'separate';
const tier = process.env.BENCH_E2E_TIER ?? 'fast';

export default async function run(): Promise<BenchResult[]> {
  if (brokers.length === 0)
    throw new Error(
      'bench e2e needs a Kafka broker: set KAFKA_BROKERS (npm run kafka:up starts one)',
    );
  const results: BenchResult[] = [];
  const load0 = loadAverage();
  const sustained = await sustainedRun();
  const load = `load average ${load0} before, ${loadAverage()} after`;
  results.push({
    area: 'e2e',
    name: `sustained, ${layout === 'combined' ? 'enrich+sink in one process' : `${enrichReplicas} enrich + 1 sink process`}`,
    value: sustained.rate,
    unit: 'mentions/s',
    notes: `${total.toLocaleString('en-US')} mentions in ${sustained.seconds.toFixed(1)} s${warmup > 0 ? ` after ${warmup.toLocaleString('en-US')} to warm up` : ''}, ${partitions} partitions, sentiment tier ${tier}; produced at ${Math.round(sustained.produceRate).toLocaleString('en-US')}/s; ${load}`,
  });
  // On a shared machine wall-clock rates say little; CPU per mention does. The capacity of
  // two dedicated cores follows from it (the store's engine, in this process, not counted).
  let cpuTotal = 0;
  for (const [role, us] of Object.entries(sustained.cpuPerMention)) {
    cpuTotal += us;
    const main = sustained.mainCpuPerMention[role]!;
    results.push({
      area: 'e2e',
      name: `CPU per mention: earshot run ${role}`,
      value: us,
      unit: 'µs',
      notes: `user + system, every thread of the process: the main thread ${main.toFixed(1)} µs, the others (V8's compiler and garbage collector, gzip) ${(us - main).toFixed(1)} µs`,
    });
  }
  results.push({
    area: 'e2e',
    name: 'CPU per mention: the role processes together',
    value: cpuTotal,
    unit: 'µs',
    notes: `10,000 mentions/s on 2 cores leaves 200 µs for everything, broker and store included`,
  });
  results.push({
    area: 'e2e',
    name: 'CPU per mention: this process (producer, store engine)',
    value: sustained.benchCpuPerMention,
    unit: 'µs',
    notes:
      layout === 'combined'
        ? 'the producer'
        : 'the producer and the ClickHouse engine behind the HTTP front',
  });
  results.push({
    area: 'e2e',
    name: "capacity of 2 dedicated cores (roles' CPU only)",
    value: (2 * 1_000_000) / cpuTotal,
    unit: 'mentions/s',
    notes: 'from the CPU the role processes used; the store engine (the loopback front) apart',
  });
  if (layout === 'separate' && trickleSeconds > 0) {
    const t = await trickleRun();
    const note = `${t.count} mentions at 50/s, ${enrichReplicas} enrich process(es); load average ${loadAverage()}`;
    results.push(
      { area: 'e2e', name: 'ingest → queryable, p50', value: t.p50, unit: 'ms', notes: note },
      { area: 'e2e', name: 'ingest → queryable, p95', value: t.p95, unit: 'ms', notes: note },
      { area: 'e2e', name: 'ingest → queryable, max', value: t.max, unit: 'ms', notes: note },
    );
  }
  return results;
}

interface Deployment {
  ns: string;
  /** Throws when a role process exited on its own (with the end of its output). */
  check(): void;
  /** CPU seconds (user + system) each role process used so far, by role. */
  cpu(): Record<string, number>;
  /** The same for each role process's main thread (the JavaScript). */
  mainCpu(): Record<string, number>;
  bus: KafkaBus;
  admin: kafkajs.Admin;
  store: ClickHouseServerStore | null;
  stop(): Promise<void>;
}

/** The roles as processes, ready (every /readyz answered 200) before anything is produced. */
async function deploy(): Promise<Deployment> {
  const ns = `bench-${Date.now().toString(36)}.`;
  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-e2e-'));
  const front = layout === 'separate' ? await startChdbHttpFront() : null;
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    EARSHOT_BUS: 'kafka',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_NAMESPACE: ns,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
    LOG_PRETTY: 'false',
    DEMO_ENABLED: 'false',
    EARSHOT_CONFIG: '',
    SENTIMENT_TIER: tier,
    ...(front
      ? {
          EARSHOT_STORE: 'clickhouse',
          CLICKHOUSE_URL: front.url,
          CLICKHOUSE_USER: front.user,
          CLICKHOUSE_PASSWORD: front.password,
        }
      : { EARSHOT_STORE: 'chdb', CHDB_PATH: join(dir, 'chdb') }),
  };
  const roles: Array<{ args: string[]; env: NodeJS.ProcessEnv }> =
    layout === 'combined'
      ? [{ args: ['enrich', 'sink'], env: {} }]
      : [
          // The sink first: it migrates the store, and the enrich processes then find it ready.
          { args: ['sink'], env: {} },
          ...Array.from({ length: enrichReplicas }, (_, i) => ({
            args: ['enrich'],
            env: { ENRICH_STATE_KEY: `enrich-${i}` },
          })),
        ];
  const children: ChildProcess[] = [];
  const outputs: Array<() => string> = [];
  const names: string[] = [];
  for (const role of roles) {
    names.push(`${role.args.join('+')}${role.env.ENRICH_STATE_KEY ? `#${names.length}` : ''}`);
    // BENCH_E2E_CPU_PROF=<dir>: a V8 CPU profile of every role process, written on exit.
    const prof = process.env.BENCH_E2E_CPU_PROF;
    const flags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
    // BENCH_E2E_NODE_FLAGS: V8/Node flags for the role processes (e.g. --single-threaded-gc).
    flags.push(...(process.env.BENCH_E2E_NODE_FLAGS ?? '').split(' ').filter(Boolean));
    const child = spawn(process.execPath, [...flags, 'bin/earshot.js', 'run', ...role.args], {
      env: { ...base, ...role.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    outputs.push(() => output);
    const port = await until(
      () => /"event":"ops_listening"[^\n]*"port":(\d+)/.exec(output)?.[1],
      60_000,
      () => `earshot run ${role.args.join(' ')} to open its ops port: ${output.slice(-1000)}`,
    );
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok,
      180_000,
      () => `earshot run ${role.args.join(' ')} to be ready: ${output.slice(-1000)}`,
    );
  }
  const bus = new KafkaBus({
    brokers,
    clientId: 'bench-e2e',
    partitions,
    namespace: ns,
    logger: silentLogger(),
  });
  const admin = new kafkajs.Kafka({
    clientId: 'bench-e2e-admin',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const store = front
    ? await ClickHouseServerStore.open({
        url: front.url,
        username: front.user,
        password: front.password,
        database: 'earshot',
      })
    : null;
  let stopping = false;
  return {
    ns,
    check() {
      const i = children.findIndex((c) => c.exitCode !== null || c.signalCode !== null);
      if (i >= 0 && !stopping)
        throw new Error(`earshot run ${names[i]} exited: ${outputs[i]!().slice(-2000)}`);
    },
    cpu: () => Object.fromEntries(children.map((c, i) => [names[i]!, cpuSeconds(c.pid!)])),
    mainCpu: () =>
      Object.fromEntries(
        children.map((c, i) => [names[i]!, cpuSeconds(c.pid!, `task/${c.pid!}/stat`)]),
      ),
    bus,
    admin,
    store,
    async stop() {
      stopping = true;
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
      await admin.disconnect();
      await bus.close();
      await store?.close();
      await front?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Demo mentions (9 languages, the demo's brands), `n` of them with fresh ids. */
function mentions(n: number, tag: string): Mention[] {
  const start = Date.parse('2026-11-10T00:00:00Z');
  const perMinute = 2_000;
  const out: Mention[] = [];
  // The demo's rate follows the time of day: take minutes until there are enough.
  for (let from = start; out.length < n; from += 60 * 60_000)
    out.push(...range(from, from + 60 * 60_000, { ratePerMinute: perMinute, incident: null }));
  return out.slice(0, n).map((m) => ({ ...m, id: `${m.id}:${tag}` }));
}

async function committed(d: Deployment, group: string, topic: string): Promise<number> {
  const offsets = await d.admin.fetchOffsets({ groupId: d.ns + group, topics: [d.ns + topic] });
  return offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

async function endOffsets(d: Deployment, topic: string): Promise<number> {
  const offsets = await d.admin.fetchTopicOffsets(d.ns + topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

/** utime + stime of a process (or, with `task/<tid>/stat`, one thread) from /proc (Linux), in seconds. */
function cpuSeconds(pid: number, file = 'stat'): number {
  const stat = readFileSync(`/proc/${pid}/${file}`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: 100 per second on Linux
}

interface Sustained {
  rate: number;
  seconds: number;
  produceRate: number;
  /** CPU microseconds per mention, by role process. */
  cpuPerMention: Record<string, number>;
  /** The part of it on the process's main thread. */
  mainCpuPerMention: Record<string, number>;
  /** The same for this process: the producer, and the store engine behind the HTTP front. */
  benchCpuPerMention: number;
}

async function sustainedRun(): Promise<Sustained> {
  const d = await deploy();
  try {
    const all = mentions(warmup + total, 's');
    const encode = (ms: Mention[]) => ms.map((m) => ({ key: m.id, value: JSON.stringify(m) }));
    if (warmup > 0) {
      const warm = encode(all.slice(0, warmup));
      for (let i = 0; i < warm.length; i += 2_000)
        await d.bus.produce(Topics.raw, warm.slice(i, i + 2_000));
      await drained(d, warmup);
    }
    const encoded = encode(all.slice(warmup));
    const cpu0 = d.cpu();
    const main0 = d.mainCpu();
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < encoded.length; i += 2_000)
      await d.bus.produce(Topics.raw, encoded.slice(i, i + 2_000));
    const produced = performance.now();
    await drained(d, warmup + total);
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = d.cpu();
    const main1 = d.mainCpu();
    const own = process.cpuUsage(own0);
    const perMention = (t0s: Record<string, number>, t1s: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(t1s).map(([k, v]) => [k, ((v - t0s[k]!) * 1_000_000) / total]),
      );
    const cpuPerMention = perMention(cpu0, cpu1);
    const mainCpuPerMention = perMention(main0, main1);
    if (d.store) {
      const [row] = await d.store.query<{ n: string }>('SELECT count() AS n FROM mentions FINAL');
      if (Number(row?.n) !== warmup + total)
        throw new Error(`stored ${row?.n} of ${warmup + total} mentions`);
    }
    return {
      rate: total / seconds,
      seconds,
      produceRate: total / ((produced - t0) / 1000),
      cpuPerMention,
      mainCpuPerMention,
      benchCpuPerMention: (own.user + own.system) / total,
    };
  } finally {
    await d.stop();
  }
}

/** Until enrich committed `n` raw messages and the sink every enriched one. */
async function drained(d: Deployment, n: number): Promise<void> {
  await until(
    async () => {
      d.check();
      if ((await committed(d, 'earshot-enrich', Topics.raw)) < n) return false;
      const end = await endOffsets(d, Topics.enriched);
      return end >= n && (await committed(d, 'earshot-sink', Topics.enriched)) >= end;
    },
    1_800_000,
    () => 'every mention stored',
    250,
  );
}

async function trickleRun(): Promise<{ count: number; p50: number; p95: number; max: number }> {
  const d = await deploy();
  try {
    const count = 50 * trickleSeconds;
    const batch = mentions(count, 't');
    const producedAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    let producing = true;
    const poll = (async () => {
      while (producing || seenAt.size < count) {
        const waiting = [...producedAt.keys()].filter((id) => !seenAt.has(id));
        if (waiting.length > 0) {
          const rows = await d.store!.query<{ id: string }>(
            'SELECT id FROM mentions WHERE id IN {ids:Array(String)}',
            { ids: waiting },
          );
          const now = performance.now();
          for (const r of rows) if (!seenAt.has(r.id)) seenAt.set(r.id, now);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // 50 a second, 5 every 100 ms, each timed from its own produce.
    const t0 = performance.now();
    for (let i = 0; i < count; i += 5) {
      const slice = batch.slice(i, i + 5);
      const at = t0 + (i / 50) * 1000;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      for (const m of slice) producedAt.set(m.id, sent);
      await d.bus.produce(
        Topics.raw,
        slice.map((m) => ({ key: m.id, value: JSON.stringify(m) })),
      );
    }
    producing = false;
    await Promise.race([
      poll,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('trickle mentions not all queryable in 60 s')), 60_000),
      ),
    ]);
    const latencies = [...seenAt].map(([id, at]) => at - producedAt.get(id)!).sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    return { count, p50: q(0.5), p95: q(0.95), max: latencies[latencies.length - 1]! };
  } finally {
    await d.stop();
  }
}

/** `uptime`'s three figures: 1, 5 and 15 minutes. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  what: () => string,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`bench e2e: timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
