import type { Alert } from './api.ts';

/**
 * Alerts that are one incident to a reader: two rules (say, the file's and a default one) that
 * fired on the same brand, type and window. Each group is drawn as one card naming every rule;
 * alerts without a window stay on their own. Order: the first alert of each group, as given.
 */
export function groupAlerts(alerts: readonly Alert[]): Alert[][] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    const w = a.why;
    const key =
      w?.window_end && a.brand && a.type
        ? `${a.brand}/${a.type}/${w.window_end}/${w.window_minutes ?? ''}`
        : `id:${a.id}`;
    const g = groups.get(key);
    if (g) g.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.values()];
}
