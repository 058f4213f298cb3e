import { describe, expect, it } from 'vitest';
import { groupAlerts } from './alert-groups.ts';
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

  it('keeps alerts without a window apart', () => {
    const bare: Alert = { id: 'x', state: 'open' };
    expect(groupAlerts([bare, { ...bare, id: 'y' }])).toHaveLength(2);
  });
});
