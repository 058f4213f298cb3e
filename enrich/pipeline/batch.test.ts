import { describe, expect, it } from 'vitest';
import { MentionSchema, type Sentiment } from '../../core/contracts/mention.ts';
import { metrics, registry } from '../../core/metrics.ts';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import type { AccurateScorer } from '../sentiment/accurate/scorer.ts';
import { TierGovernor } from '../sentiment/tiers.ts';
import { enrichBatch, spread } from './batch.ts';

const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
const mentions = ['I love this phone', 'Worst service ever', 'Das ist gut', 'ok'].map((text, i) =>
  MentionSchema.parse({
    id: `t:${i}`,
    source: 'test',
    created_at: '2026-01-01T00:00:00Z',
    text,
    author: { id: 'a' },
  }),
);

/** A stand-in for the encoder: slow by `ms` per text, labels everything neutral. */
function slowScorer(ms: number): AccurateScorer & { calls: number } {
  const model = { name: 'earshot-sentiment-accurate', version: 'test' };
  return {
    model,
    calls: 0,
    scores: () => true,
    async scoreBatch(items) {
      this.calls++;
      await new Promise((r) => setTimeout(r, ms * items.length));
      return items.map((): Sentiment => ({
        label: 'neu',
        score: 0,
        confidence: 0.9,
        explanation: [],
        model,
      }));
    },
    close: async () => {},
  };
}

function models(results: Awaited<ReturnType<typeof enrichBatch>>): string[] {
  return results.map((r) => (r.ok ? r.value.sentiment.model.name : 'failed'));
}

describe('enrichBatch with sentiment tiers', () => {
  it('fast: the fast tier alone', async () => {
    const r = await enrichBatch(mentions, enrichers, null);
    expect(models(r)).toEqual(Array(4).fill('earshot-sentiment'));
  });

  it('accurate: every mention re-scored by the accurate tier, recorded in sentiment.model', async () => {
    const accurate = slowScorer(0);
    const r = await enrichBatch(mentions, enrichers, {
      accurate,
      governor: new TierGovernor('accurate', 0),
    });
    expect(models(r)).toEqual(Array(4).fill('earshot-sentiment-accurate'));
  });

  it('auto falls back to fast under a tight budget, and never loses a mention', async () => {
    const accurate = slowScorer(50);
    const governor = new TierGovernor('auto', 120);
    // First batch: the initial estimate (10 ms/text) lets all 4 through; they take 50 ms each.
    const first = await enrichBatch(mentions, enrichers, { accurate, governor });
    expect(models(first).every((m) => m === 'earshot-sentiment-accurate')).toBe(true);
    expect(governor.msPerText).toBeGreaterThan(15);
    // Learned cost: the budget now covers fewer texts; the rest keeps the fast tier.
    let last = first;
    for (let i = 0; i < 6; i++)
      last = await enrichBatch(mentions, enrichers, { accurate, governor });
    const m = models(last);
    expect(m.filter((x) => x === 'earshot-sentiment').length).toBeGreaterThanOrEqual(2);
    expect(m).toHaveLength(4);
    // A full batch (backlog) goes to fast entirely, without calling the encoder.
    const calls = accurate.calls;
    const full = await enrichBatch(mentions, enrichers, {
      accurate,
      governor: new TierGovernor('auto', 10_000, 4),
    });
    expect(models(full)).toEqual(Array(4).fill('earshot-sentiment'));
    expect(accurate.calls).toBe(calls);
  });

  it('auto spreads the accurate share over the batch, so no stretch of time is one tier', async () => {
    // A backfill's batch is a stretch of time in order; a budget for a quarter of it.
    const batch = Array.from({ length: 40 }, (_, i) =>
      MentionSchema.parse({
        id: `t:spread-${i}`,
        source: 'test',
        created_at: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
        text: i % 2 ? 'I love this phone' : 'Worst service ever',
        author: { id: 'a' },
      }),
    );
    const governor = new TierGovernor('auto', 100);
    expect(governor.plan(batch.length)).toBe(10);
    const m = models(await enrichBatch(batch, enrichers, { accurate: slowScorer(0), governor }));
    const accurateAt = m.flatMap((x, i) => (x === 'earshot-sentiment-accurate' ? [i] : []));
    expect(accurateAt).toHaveLength(10);
    // Every quarter of the stretch has its share (the first 10 alone were the old choice).
    for (let q = 0; q < 4; q++)
      expect(
        accurateAt.filter((i) => i >= q * 10 && i < (q + 1) * 10).length,
      ).toBeGreaterThanOrEqual(2);
  });

  it('spread takes k evenly, or everything when k covers it', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7], 4)).toEqual([1, 3, 5, 7]);
    expect(spread([0, 1, 2], 5)).toEqual([0, 1, 2]);
    expect(spread([0, 1, 2], 0)).toEqual([]);
  });

  it('a failing accurate tier leaves the fast scores and reports the error', async () => {
    const errors: unknown[] = [];
    const accurate = slowScorer(0);
    accurate.scoreBatch = () => Promise.reject(new Error('onnx exploded'));
    const r = await enrichBatch(mentions, enrichers, {
      accurate,
      governor: new TierGovernor('accurate', 0),
      onError: (e) => errors.push(e),
    });
    expect(models(r)).toEqual(Array(4).fill('earshot-sentiment'));
    expect(String(errors[0])).toMatch(/onnx exploded/);
  });

  it('counts every scored mention by tier on the stage series (fast, accurate, given)', async () => {
    type Tier = 'fast' | 'accurate' | 'given';
    const tierCounts = async (): Promise<Record<Tier, number>> => {
      const out = { fast: 0, accurate: 0, given: 0 };
      for (const v of (await metrics.sentimentScored.get()).values)
        if (v.labels.stage === 'enrich') out[v.labels.tier as Tier] = v.value;
      return out;
    };
    const given = MentionSchema.parse({ ...mentions[0], id: 't:given', sentiment: 'neg' });
    const before = await tierCounts();
    await enrichBatch([...mentions, given], enrichers, null);
    const afterFast = await tierCounts();
    expect(afterFast.fast - before.fast).toBe(4);
    expect(afterFast.given - before.given).toBe(1);
    expect(afterFast.accurate - before.accurate).toBe(0);
    // The accurate tier takes 2 of them; the given label is never re-scored.
    await enrichBatch([...mentions, given], enrichers, {
      accurate: slowScorer(0),
      governor: new TierGovernor('auto', 10_000, 1_000),
    });
    const afterAuto = await tierCounts();
    expect(afterAuto.accurate - afterFast.accurate).toBe(4);
    expect(afterAuto.given - afterFast.given).toBe(1);
    expect(afterAuto.fast - afterFast.fast).toBe(0);
    // A failing accurate tier: its mentions are counted where their scores came from, fast.
    const failing = slowScorer(0);
    failing.scoreBatch = () => Promise.reject(new Error('down'));
    await enrichBatch(mentions, enrichers, {
      accurate: failing,
      governor: new TierGovernor('accurate', 0),
    });
    const afterFail = await tierCounts();
    expect(afterFail.fast - afterAuto.fast).toBe(4);
    expect(afterFail.accurate - afterAuto.accurate).toBe(0);
    // What every role's ops port serves on /metrics (core/runtime/ops-server.ts).
    const text = await registry.metrics();
    for (const tier of ['fast', 'accurate', 'given'])
      expect(text).toContain(`earshot_stage_sentiment_scored_total{stage="enrich",tier="${tier}"}`);
  });
});
