import { beforeAll, describe, expect, it } from 'vitest';
import { brandScenario, DETECTED_BY, runBrand, summarizeBand, type BrandResult } from './bands.ts';
import { buildSentimentPool } from '../../scripts/lib-alerts-sentiment-pool.ts';
import type { SentimentPool } from './pool.ts';

/**
 * The rate-band harness on a small configuration (one brand each at 3 and 30 mentions an hour;
 * `npm run eval:alerts` runs every band over several seeds): the quiet bands are where a fixed
 * minimum volume made every incident silent. Floors, not the targets (docs/benchmarks.md
 * has the measured figures per band).
 */
let pool: SentimentPool;
// Scoring the demo's ~1,200 sentences takes seconds, more on a loaded machine than the
// default 10 s hook timeout.
beforeAll(() => {
  pool = buildSentimentPool();
}, 120_000);

describe('sentiment pool', () => {
  it('is the enricher: mostly right, with real errors', () => {
    expect(pool.texts).toBeGreaterThan(500);
    expect(pool.confusion.pos.pos).toBeGreaterThan(0.9);
    expect(pool.confusion.incident.neg).toBeGreaterThan(0.8);
    // The enricher reads some neutral sentences as negative: the detector must live with it.
    expect(pool.confusion.neu.neg).toBeGreaterThan(0.02);
  });
});

describe('rate-band harness', () => {
  it('plants incidents and decoys at any hour, seeded', () => {
    const a = brandScenario(30, 11);
    expect(brandScenario(30, 11)).toEqual(a);
    const kinds = a.events.map((e) => e.kind);
    expect(kinds).toContain('negative_spike');
    expect(kinds.some((k) => DETECTED_BY[k].length === 0)).toBe(true); // decoys
  });

  const results: BrandResult[] = [];
  it.each([3, 30])(
    'a brand at %i mentions an hour: incidents found, few false alerts',
    (perHour) => {
      const r = runBrand(perHour, 7919 + perHour, pool);
      results.push(r);
      const band = summarizeBand(perHour, [r]);
      // Before: min_volume 20 silenced every incident of these bands (recall 0).
      expect(band.recall).toBeGreaterThanOrEqual(0.6);
      expect(band.falsePerBrandWeek).toBeLessThanOrEqual(3);
    },
    600_000,
  );
});
