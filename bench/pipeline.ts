import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnrichers } from '../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../cli/settings.ts';
import type { EnrichedMention } from '../core/contracts/mention.ts';
import { loadEarshotConfig } from '../core/workspace-config.ts';
import { enrichMention } from '../enrich/pipeline/enrich.ts';
import { range } from '../ingest/demo/connector.ts';
import { ChdbStore } from '../store/chdb.ts';
import { migrate } from '../store/migrate.ts';
import { sinkStage } from '../store/sink/stage.ts';
import type { BenchResult } from './types.ts';

/**
 * The two per-mention hot paths of the pipeline on one core: the whole enrichment of a
 * mention (language, sentiment, brands, topics, near-duplicates, spam), and the sink
 * (decode + the existence lookup + one insert per 5,000-row batch into chdb, views included),
 * and the sink taking engagement refreshes of mentions it already stored.
 */
export default async function run(): Promise<BenchResult[]> {
  const start = Date.parse('2026-11-10T00:00:00Z');
  const mentions = range(start, start + 3 * 86_400_000, {
    ratePerMinute: 20,
    incident: null,
  }).slice(0, 60_000);
  const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
  for (const m of mentions.slice(0, 2_000)) enrichMention({ ...m, id: `warm:${m.id}` }, enrichers);

  const t0 = performance.now();
  const enriched: EnrichedMention[] = mentions.map((m) => enrichMention(m, enrichers));
  const enrichSeconds = (performance.now() - t0) / 1000;

  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-sink-'));
  const store = await ChdbStore.open(dir, 'bench');
  try {
    await migrate(store);
    const sink = sinkStage(store);
    const messages = enriched.map((m, i) => ({
      topic: 'b',
      partition: 0,
      offset: String(i),
      key: m.id,
      value: Buffer.from(JSON.stringify(m)),
      headers: {},
    }));
    const deliverAll = async (all: typeof messages): Promise<number> => {
      const t = performance.now();
      for (let i = 0; i < all.length; i += 5_000) {
        const batch = all.slice(i, i + 5_000);
        await sink.deliver(
          batch.map((m) => sink.decode(m)),
          {
            epoch: '',
            topic: 'b',
            partition: 0,
            firstOffset: batch[0]!.offset,
            lastOffset: batch[batch.length - 1]!.offset,
          },
        );
      }
      return (performance.now() - t) / 1000;
    };
    const sinkSeconds = await deliverAll(messages);
    // The same mentions re-read by a connector an hour later, with more likes and replies:
    // lookups, engagement totals and one insert of updates per batch (views included).
    const refreshed = enriched.map((m, i) => ({
      ...messages[i]!,
      offset: String(messages.length + i),
      value: Buffer.from(
        JSON.stringify({
          ...m,
          engagement: { ...m.engagement, likes: m.engagement.likes + 3, replies: 1 + (i % 4) },
        }),
      ),
    }));
    const refreshSeconds = await deliverAll(refreshed);
    return [
      {
        area: 'pipeline',
        name: 'enrich: full enrichMention, one core',
        value: mentions.length / enrichSeconds,
        unit: 'mentions/s',
        notes: `${mentions.length.toLocaleString('en-US')} demo mentions, 9 languages, 3 watch queries`,
      },
      {
        area: 'pipeline',
        name: 'sink: decode + lookup + insert into chdb (5,000/batch)',
        value: messages.length / sinkSeconds,
        unit: 'mentions/s',
        notes: 'every materialized view of the migrations included (brand_mentions and 7 rollups)',
      },
      {
        area: 'pipeline',
        name: 'sink: engagement refreshes of stored mentions (5,000/batch)',
        value: refreshed.length / refreshSeconds,
        unit: 'mentions/s',
        notes: 'each grew: totals looked up, growth into the 3 engagement rollups',
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
