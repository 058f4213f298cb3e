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

/**
 * What a brand's card says about its alerts: incidents still open, and incidents that opened
 * in the period shown but are over (resolved, or found in past data and so resolved when
 * raised). A spike in the card's chart is then never next to "No open alerts" alone. Two rules
 * on one incident count once.
 */
export function brandAlertCounts(
  alerts: readonly Alert[],
  brand: string,
  fromMs: number,
  toMs: number,
): { open: number; inPeriod: number } {
  let open = 0;
  let inPeriod = 0;
  for (const group of groupAlerts(alerts.filter((a) => a.brand === brand))) {
    if (group.some((a) => a.state !== 'resolved')) open++;
    else {
      const opened = Date.parse(group[0]!.opened_at ?? '');
      if (opened >= fromMs && opened <= toMs) inPeriod++;
    }
  }
  return { open, inPeriod };
}
