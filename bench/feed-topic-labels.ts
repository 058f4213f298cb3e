import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore } from '../store/chdb.ts';
import { migrate } from '../store/migrate.ts';
import { mentionFeed } from '../store/queries/mentions.ts';
import { StoreStateStore } from '../store/state-store.ts';
import { anEnrichedMention } from '../test/support/builders.ts';
import { storeThroughSink } from '../test/support/store.ts';

/**
 * One-off measurement, not a suite of `npm run bench`: the mention feed's time on a store like
 * test/integration/topic-merges.int.test.ts's (an absorbed topic's mentions beside the surviving
 * topic's, another brand without merges), with 1 saved alias and with 10,000 (the clusterer's
 * bound), on a page with merged topics and on one without. Per call: median and p95 wall time,
 * and CPU time (the embedded engine runs in this process). `npx tsx bench/feed-topic-labels.ts`
 */
const RUNS = Number(process.env.RUNS ?? 300);
const HOUR = Date.parse('2026-11-20T10:00:00Z');
const WS = 'feed-ws';

const mention = (i: number, brand: string, topic: string, label: string) =>
  anEnrichedMention({
    id: `feed:${brand}:${i}`,
    created_at: new Date(HOUR + i * 60_000).toISOString(),
    brands: [{ workspace: WS, brand, query_id: `${brand}:q`, terms: [brand] }],
    topics: [{ id: topic, label }],
  });

async function measure(run: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await run();
  const walls: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    walls.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  walls.sort((a, b) => a - b);
  return {
    p50: walls[Math.floor(RUNS / 2)]!,
    p95: walls[Math.floor(RUNS * 0.95)]!,
    cpu: (used.user + used.system) / 1000 / RUNS,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'earshot-feed-labels-'));
const store = await ChdbStore.open(dir, 'feed');
try {
  await migrate(store);
  await storeThroughSink(store, [
    ...[1, 2, 3].map((i) => mention(i, 'acme', 'tp-absorbed', 'Nacht leer')),
    ...[4, 5].map((i) => mention(i, 'acme', 'tp-battery', 'battery drains')),
    ...[6, 7, 8, 9].map((i) => mention(i, 'acme', 'tp-price', 'price')),
    ...[1, 2, 3, 4, 5].map((i) => mention(i, 'globex', 'tp-delivery', 'late delivery')),
  ]);
  const state = new StoreStateStore(store);
  const window = { workspace: WS, from: new Date(HOUR), to: new Date(HOUR + 3_600_000) };
  const page = { limit: 50, cursor: null };
  for (const aliases of [1, 10_000]) {
    const pairs: Array<[string, string]> = [['tp-absorbed', 'tp-battery']];
    for (let i = 1; i < aliases; i++) pairs.push([`tp-old-${i}`, `tp-new-${i % 500}`]);
    await state.save('enrich:topic-aliases', pairs);
    for (const [name, brand] of [
      ['page with merged topics', 'acme'],
      ['page without', 'globex'],
    ] as const) {
      const r = await measure(() => mentionFeed(store, { ...window, brand }, page));
      console.log(
        `${String(aliases).padStart(6)} aliases, ${name.padEnd(24)} p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, cpu ${r.cpu.toFixed(2)} ms/call`,
      );
    }
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
