import { createHash } from 'node:crypto';
import { loadEnrichers } from '../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../cli/settings.ts';
import type { ConsumedMessage } from '../core/bus/port.ts';
import type { Mention } from '../core/contracts/mention.ts';
import { loadEarshotConfig } from '../core/workspace-config.ts';
import { range } from '../ingest/demo/connector.ts';
import type { Bus } from '../core/bus/port.ts';
import { enrichStage } from '../enrich/stage.ts';
import { sinkStage } from '../store/sink/stage.ts';
import type { Store } from '../store/port.ts';

import type { BenchResult } from './types.ts';

/**
 * `npm run bench -- enrich-path`: the enrich role's per-mention path without the broker, on one
 * core — raw messages decoded, enriched (fast tier), the produced messages built — and the sink's
 * decode of those messages (contract check + row), CPU per mention of warm code. The digests
 * change only if the results change (enrich/pipeline/golden.test.ts pins a smaller set).
 * BENCH_PATH_MENTIONS (default 40,000) measured after BENCH_PATH_WARMUP (default 20,000).
 */
export default async function run(): Promise<BenchResult[]> {
  const N = Number(process.env.BENCH_PATH_MENTIONS ?? 40_000);
  const WARM = Number(process.env.BENCH_PATH_WARMUP ?? 20_000);
  const start = Date.parse('2026-11-10T00:00:00Z');
  const all: Mention[] = [];
  for (let from = start; all.length < N + WARM; from += 3_600_000)
    all.push(...range(from, from + 3_600_000, { ratePerMinute: 2_000, incident: null }));
  const msgs: ConsumedMessage[] = all.slice(0, N + WARM).map((m, i) => ({
    topic: 'raw',
    partition: 0,
    offset: String(i),
    key: m.id,
    value: Buffer.from(JSON.stringify(m)),
    headers: {},
  }));
  const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
  enrichers.now = () => new Date('2026-12-01T00:00:00Z');
  let produced: Array<{ key: string; value: string | Buffer }> = [];
  const bus = {
    produce: (_t: string, ms: Array<{ key: string; value: string | Buffer }>) => {
      produced = ms;
      return Promise.resolve();
    },
  } as unknown as Bus;
  const stage = enrichStage(bus, enrichers);
  const sink = sinkStage({} as Store);
  const hash = createHash('sha256');
  const sinkHash = createHash('sha256');
  let enrichCpu = 0;
  let sinkCpu = 0;
  for (let i = 0; i < msgs.length; i += 500) {
    const slice = msgs.slice(i, i + 500);
    const c0 = process.cpuUsage();
    const decoded = slice.map((m) => stage.decode(m));
    const results = await stage.process(decoded);
    await stage.deliver(
      results.map((r) => (r.ok ? r.value : null)!),
      { epoch: '', topic: 'raw', partition: 0, firstOffset: '0', lastOffset: '0' },
    );
    const c1 = process.cpuUsage(c0);
    const out = produced.map((p, j) => ({
      ...slice[j]!,
      topic: 'enriched',
      key: p.key,
      value: Buffer.from(p.value),
    }));
    const c2 = process.cpuUsage();
    const rows = out.map((m) => sink.decode(m));
    const c3 = process.cpuUsage(c2);
    if (i >= WARM) {
      enrichCpu += c1.user + c1.system;
      sinkCpu += c3.user + c3.system;
    }
    for (const p of produced) hash.update(p.key + '\u0000' + p.value.toString() + '\n');
    for (const r of rows) sinkHash.update(JSON.stringify(r) + '\n');
  }
  const notes = `${N.toLocaleString('en-US')} demo mentions after ${WARM.toLocaleString('en-US')} to warm up; enriched sha256 ${hash.digest('hex').slice(0, 16)}, rows sha256 ${sinkHash.digest('hex').slice(0, 16)}`;
  return [
    {
      area: 'enrich-path',
      name: 'enrich stage: decode + enrich + produced messages, one core',
      value: enrichCpu / N,
      unit: 'µs CPU/mention',
      notes,
    },
    {
      area: 'enrich-path',
      name: 'sink decode: contract check + row, one core',
      value: sinkCpu / N,
      unit: 'µs CPU/mention',
      notes,
    },
  ];
}
