import { describe, expect, it } from 'vitest';
import { brandAlertCounts, groupAlerts } from './alert-groups.ts';
import type { Alert } from './api.ts';

const alert = (id: string, rule: string, end: string, type = 'negative_spike'): Alert => ({
  id,
  brand: 'nimbus',
  rule_id: rule,
  type,
  state: 'open',
  why: { window_end: end, window_minutes: 15 },
});

describe('groupAlerts', () => {
  it('two rules firing on the same brand, type and window are one card', () => {
    const end = '2026-12-05T10:15:00.000Z';
    const groups = groupAlerts([
      alert('a', 'nimbus-negative-spike', end),
      alert('b', 'my-negatives', end),
      alert('c', 'nimbus-volume-spike', end, 'volume_spike'),
      alert('d', 'nimbus-negative-spike', '2026-12-05T18:00:00.000Z'),
    ]);
    expect(groups.map((g) => g.map((a) => a.id))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('rules that open a minute apart on one incident are one card; one rule’s two incidents are two', () => {
    const groups = groupAlerts([
      alert('a', 'zephyr-negative-spike', '2026-12-05T10:21:00.000Z'),
      alert('b', 'zephyr-complaints', '2026-12-05T10:20:00.000Z'),
      // The same rule again within the window: its own incident, its own card.
      alert('c', 'zephyr-negative-spike', '2026-12-05T10:30:00.000Z'),
      // Windows that do not overlap: [10:45, 11:00) and [10:20, 10:35)… are not one incident.
      alert('d', 'zephyr-complaints', '2026-12-05T11:00:00.000Z'),
    ]);
    expect(groups.map((g) => g.map((a) => a.id))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('keeps alerts without a window apart', () => {
    const bare: Alert = { id: 'x', state: 'open' };
    expect(groupAlerts([bare, { ...bare, id: 'y' }])).toHaveLength(2);
  });
});

describe('brandAlertCounts', () => {
  const from = Date.parse('2026-12-05T00:00:00.000Z');
  const to = Date.parse('2026-12-06T00:00:00.000Z');
  const at = (id: string, brand: string, state: string, opened: string, end = opened): Alert => ({
    id,
    brand,
    rule_id: `${brand}-negative-spike`,
    type: 'negative_spike',
    state,
    opened_at: opened,
    why: { window_end: end, window_minutes: 15 },
  });

  it('counts a resolved (historical) incident of the period, so the card does not say "No open alerts" alone', () => {
    const planted = {
      ...at('h', 'nimbus', 'resolved', '2026-12-05T20:05:00.000Z'),
      historical: true,
    };
    expect(brandAlertCounts([planted], 'nimbus', from, to)).toEqual({ open: 0, inPeriod: 1 });
  });

  it('open incidents count as open; incidents before the period and other brands do not count', () => {
    const alerts = [
      at('a', 'nimbus', 'open', '2026-12-05T21:00:00.000Z'),
      // A second rule on the same incident: one.
      { ...at('b', 'nimbus', 'updated', '2026-12-05T21:00:00.000Z'), rule_id: 'mine' },
      at('c', 'nimbus', 'resolved', '2026-12-04T10:00:00.000Z'),
      at('d', 'zephyr', 'resolved', '2026-12-05T10:00:00.000Z'),
    ];
    expect(brandAlertCounts(alerts, 'nimbus', from, to)).toEqual({ open: 1, inPeriod: 0 });
    expect(brandAlertCounts(alerts, 'zephyr', from, to)).toEqual({ open: 0, inPeriod: 1 });
  });
});
