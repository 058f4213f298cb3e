import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import type { Bus, ConsumedMessage, OutgoingMessage } from '../../core/bus/port.ts';
import type { EnrichedMention, Mention } from '../../core/contracts/mention.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import { range } from '../../ingest/demo/connector.ts';
import type { Store } from '../../store/port.ts';
import { sinkStage } from '../../store/sink/stage.ts';
import { enrichStage } from '../stage.ts';

/**
 * The Kafka path's results, pinned: 3,000 demo mentions (9 languages, the demo's brands) as
 * raw messages through the enrich stage (decode → enrich → the produced messages) and the
 * produced messages through the sink's decode (the rows it inserts). A speed change must not
 * change a byte of either; the digests cover every field, the sample says which one moved.
 *
 * When a change is meant to change results (a retrained model, a new field), regenerate the
 * fixture and review its diff: `UPDATE_GOLDEN=1 npx vitest run --project unit enrich/pipeline/golden`.
 */
const FIXTURE = new URL('./testing/golden.json', import.meta.url);
const COUNT = 3_000;

interface Golden {
  mentions: number;
  enriched_sha256: string;
  rows_sha256: string;
  /** Every 10th mention's results, readable. */
  sample: unknown[];
}

function demoMentions(): Mention[] {
  const start = Date.parse('2026-11-10T00:00:00Z');
  const out: Mention[] = [];
  for (let from = start; out.length < COUNT; from += 3_600_000)
    out.push(...range(from, from + 3_600_000, { ratePerMinute: 2_000, incident: null }));
  return out.slice(0, COUNT);
}

async function run(): Promise<Golden> {
  const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
  enrichers.now = () => new Date('2026-12-01T00:00:00Z');
  const produced: OutgoingMessage[] = [];
  const bus = {
    produce: (_topic: string, messages: OutgoingMessage[]) => {
      produced.push(...messages);
      return Promise.resolve();
    },
  } as unknown as Bus;
  const stage = enrichStage(bus, enrichers);
  const sink = sinkStage({} as Store);
  const raw: ConsumedMessage[] = demoMentions().map((m, i) => ({
    topic: 'mentions.raw.v1',
    partition: 0,
    offset: String(i),
    key: m.id,
    value: Buffer.from(JSON.stringify(m)),
    headers: {},
  }));
  // Batches of 500, as the runner's micro-batches: the stateful enrichers see the same order.
  for (let i = 0; i < raw.length; i += 500) {
    const results = await stage.process(raw.slice(i, i + 500).map((m) => stage.decode(m)));
    const outputs = results.map((r) => {
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    });
    await stage.deliver(outputs, {
      epoch: '',
      topic: 'raw',
      partition: 0,
      firstOffset: '0',
      lastOffset: '0',
    });
  }
  const enrichedHash = createHash('sha256');
  const rowsHash = createHash('sha256');
  const sample: unknown[] = [];
  produced.forEach((p, i) => {
    const value = Buffer.isBuffer(p.value) ? p.value : Buffer.from(String(p.value));
    enrichedHash.update(`${String(p.key)}\u0000${value.toString('utf8')}\n`);
    const row = sink.decode({ ...raw[i]!, topic: 'mentions.enriched.v1', value });
    rowsHash.update(`${JSON.stringify(row)}\n`);
    if (i % 10 === 0) {
      const m = JSON.parse(value.toString('utf8')) as EnrichedMention;
      sample.push({
        id: m.id,
        lang: m.lang,
        sentiment: [m.sentiment.label, m.sentiment.score],
        brands: m.brands.map((b) => `${b.workspace}/${b.brand}/${b.query_id}`),
        topics: m.topics,
        keywords: m.keywords,
        dup_group: m.dup_group,
        spam: m.spam.score,
      });
    }
  });
  return {
    mentions: produced.length,
    enriched_sha256: enrichedHash.digest('hex'),
    rows_sha256: rowsHash.digest('hex'),
    sample,
  };
}

/** One sample mention a line: a reviewable diff when results are meant to change. */
function formatted(g: Golden): string {
  const { sample: _, ...digests } = g;
  return `${JSON.stringify(digests).slice(0, -1)},"sample":[\n${g.sample.map((s) => JSON.stringify(s)).join(',\n')}\n]}\n`;
}

describe('the Kafka path, golden: enrich stage → produced messages → sink rows', () => {
  it('gives the same enriched messages and rows for 3,000 demo mentions', async () => {
    const now = await run();
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(FIXTURE))
      writeFileSync(FIXTURE, formatted(now));
    const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Golden;
    expect(now.mentions).toBe(COUNT);
    // The sample first: its diff names the mention and the field that moved.
    expect(now.sample).toEqual(golden.sample);
    expect(now.enriched_sha256).toBe(golden.enriched_sha256);
    expect(now.rows_sha256).toBe(golden.rows_sha256);
  }, 60_000);
});
