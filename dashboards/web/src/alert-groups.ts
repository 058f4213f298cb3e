import type { Alert } from './api.ts';

/**
 * Alerts that are one incident to a reader: two rules (say, the file's and one made in the
 * page) that fired on the same brand and type over the same stretch of time. Their windows
 * overlap, though not always to the minute: rules are judged one after another, and a rule
 * added later may open a minute apart from the other. Each group is drawn as one card naming
 * every rule. Two incidents of one rule stay apart (its cooldown made them two), and so do
 * alerts without a window. Order: the first alert of each group, as given.
 */
export function groupAlerts(alerts: readonly Alert[]): Alert[][] {
  const groups: Array<{ key: string; alerts: Alert[]; spans: Array<[number, number]> }> = [];
  for (const a of alerts) {
    const span = windowOf(a);
    const key = `${a.brand ?? ''}/${a.type ?? ''}`;
    const group =
      span === null
        ? undefined
        : groups.find(
            (g) =>
              g.key === key &&
              g.spans.length > 0 &&
              !g.alerts.some((b) => b.rule_id === a.rule_id) &&
              g.spans.some(([from, to]) => span[0] < to && from < span[1]),
          );
    if (group) {
      group.alerts.push(a);
      group.spans.push(span!);
    } else groups.push({ key, alerts: [a], spans: span === null ? [] : [span] });
  }
  return groups.map((g) => g.alerts);
}

/** [start, end) of the window that fired, in ms; null without one. */
function windowOf(a: Alert): [number, number] | null {
  const end = Date.parse(a.why?.window_end ?? '');
  const minutes = a.why?.window_minutes ?? null;
  if (!a.brand || !a.type || !Number.isFinite(end) || !minutes) return null;
  return [end - minutes * 60_000, end];
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
