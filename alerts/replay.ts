import type { AlertRule } from './config.ts';
import { calibrationCache, detect } from './detect.ts';
import { reportedUntil, step, type AlertEventKind, type Incident } from './incident.ts';
import { MINUTE_MS, type MinuteSeries } from './series.ts';

export interface ReplayEvent {
  kind: AlertEventKind;
  at: string;
  incident: Incident;
}

/**
 * Run one rule over a series as the scheduler would have: evaluate at every `stepMs` in
 * [fromMs, toMs) and feed the incident state machine. The backtest and the evaluation harness
 * both use this, so what they report is exactly what the live evaluator would have done.
 */
export function replay(
  rule: AlertRule,
  series: MinuteSeries,
  fromMs: number,
  toMs: number,
  options: {
    stepMs?: number;
    open?: Incident | null;
    /** When the rule's last incident before `fromMs` resolved (`detect`'s `reportedUntilMs`). */
    reportedUntilMs?: number;
    onStep?: (t: number) => void;
  } = {},
): { events: ReplayEvent[]; open: Incident | null; reportedUntilMs: number | undefined } {
  const stepMs = options.stepMs ?? MINUTE_MS;
  let open = options.open ?? null;
  let reportedUntilMs = options.reportedUntilMs;
  const events: ReplayEvent[] = [];
  const cache = calibrationCache();
  for (let t = Math.ceil(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) {
    const d = detect(rule, series, t, cache, reportedUntilMs);
    const tr = step(rule, open, d, t);
    open = tr.open;
    reportedUntilMs = reportedUntil(tr, reportedUntilMs);
    if (tr.event)
      events.push({
        kind: tr.event.kind,
        at: new Date(t).toISOString(),
        incident: tr.event.incident,
      });
    options.onStep?.(t);
  }
  return { events, open, reportedUntilMs };
}
