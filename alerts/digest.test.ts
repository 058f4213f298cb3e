import { describe, expect, it } from 'vitest';
import { WorkspaceConfigSchema } from '../core/workspace-config.ts';
import { buildDigest, digestNotice } from './digest.ts';

const ws = WorkspaceConfigSchema.parse({
  id: 'demo',
  name: 'Demo',
  brands: [
    { id: 'a', name: 'Aurora', query: 'A', competitors: ['n'] },
    { id: 'n', name: 'Nimbus', query: 'N', competitors: ['a'] },
    { id: 'z', name: 'Zephyr', query: 'Z' },
  ],
});
const from = new Date('2026-11-16T08:00:00Z');
const to = new Date('2026-11-23T08:00:00Z');
const t = (brand: string, volume: number, positive: number, negative: number) => ({
  brand,
  volume,
  positive,
  neutral: volume - positive - negative,
  negative,
});

describe('weekly digest', () => {
  const digest = buildDigest(
    ws,
    from,
    to,
    [t('a', 600, 300, 100), t('n', 400, 100, 200)],
    [t('a', 500, 250, 50), t('n', 500, 200, 100)],
    [
      { brand: 'n', label: 'battery' },
      { brand: 'n', label: 'support' },
    ],
  );

  it('compares volume, net sentiment and share of voice with the previous week', () => {
    const [a, n, z] = digest.brands;
    expect(a).toMatchObject({
      volume: 600,
      previous_volume: 500,
      volume_change_pct: 20,
      net_sentiment: 0.3333,
      net_sentiment_delta: -0.0667,
      share_of_voice: 0.6,
      share_of_voice_delta: 0.1,
    });
    expect(n).toMatchObject({
      volume_change_pct: -20,
      net_sentiment: -0.25,
      net_sentiment_delta: -0.45,
      share_of_voice: 0.4,
      share_of_voice_delta: -0.1,
      top_topics: ['battery', 'support'],
    });
    // No mentions, no competitors: nulls, not made-up zeros.
    expect(z).toMatchObject({
      volume: 0,
      volume_change_pct: null,
      net_sentiment: null,
      share_of_voice: null,
    });
  });

  it('reads as one line per brand', () => {
    const n = digestNotice(digest);
    expect(n.title).toBe('Weekly digest: demo (2026-11-16 – 2026-11-23)');
    expect(n.lines[1]).toBe(
      'Nimbus: 400 mentions (-20.0 %), net sentiment -0.25 (-45.0 pts), share of voice 40.0 % (-10.0 pts); topics: battery, support',
    );
    expect(n.body).toMatchObject({ kind: 'digest', workspace: 'demo' });
  });
});
