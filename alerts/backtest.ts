import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { parseAlertsConfig, type AlertRule } from './config.ts';
import { LOOKBACK_MS, loadRuleSeries } from './evaluator.ts';
import type { ReplayEvent } from './replay.ts';
import { replay } from './replay.ts';
import { allRules } from './rules.ts';
import { floorMinute, MINUTE_MS } from './series.ts';

export interface BacktestOptions {
  /** Only this rule id; default every rule, enabled or not. */
  ruleId?: string;
  /** Only rules of this workspace (the API always sets it). */
  workspace?: string;
  from: Date;
  to: Date;
  /** Evaluation step; the live scheduler's default is one minute. */
  stepMs?: number;
  /** Called as minutes are replayed (done and total over all rules). */
  onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  rule: AlertRule;
  events: ReplayEvent[];
  /** Incidents that were still open at `to`. */
  openAtEnd: boolean;
}

/**
 * Replay rules over stored history exactly as the scheduler would have run them (same
 * detector, same incident state machine), without storing or delivering anything: how users
 * tune sensitivity before switching a rule on.
 */
export async function backtest(
  store: Store,
  config: EarshotConfig,
  o: BacktestOptions,
): Promise<BacktestResult[]> {
  const alerts = parseAlertsConfig(config);
  const rules = (await allRules(store, config, alerts)).filter(
    (r) =>
      (o.ruleId === undefined || r.id === o.ruleId) &&
      (o.workspace === undefined || r.workspace === o.workspace),
  );
  const stepMs = o.stepMs ?? MINUTE_MS;
  const fromMs = floorMinute(o.from.getTime());
  const toMs = floorMinute(o.to.getTime());
  const perRule = Math.max(0, Math.ceil((toMs - fromMs) / stepMs));
  const total = perRule * rules.length;
  let done = 0;
  const out: BacktestResult[] = [];
  for (const rule of rules) {
    const series = await loadRuleSeries(store, config, rule, fromMs - LOOKBACK_MS, toMs);
    const { events, open } = replay(rule, series, fromMs, toMs, {
      stepMs,
      onStep: () => {
        done++;
        if (done % 500 === 0) o.onProgress?.(done, total);
      },
    });
    out.push({ rule, events, openAtEnd: open !== null });
  }
  o.onProgress?.(total, total);
  return out;
}

/** One line per event, for people: what would have been raised, and why. */
export function formatBacktest(results: readonly BacktestResult[]): string[] {
  const lines: string[] = [];
  for (const { rule, events, openAtEnd } of results) {
    const opens = events.filter((e) => e.kind === 'open').length;
    lines.push(
      `rule ${rule.workspace}/${rule.id} (${rule.type}, brand ${rule.brand}, window ${rule.windowMs / MINUTE_MS}m, threshold z ≥ ${rule.threshold}${rule.enabled ? '' : ', disabled'}): ${opens} alert${opens === 1 ? '' : 's'}`,
    );
    for (const e of events) {
      const d = e.incident.detection;
      lines.push(
        `  ${e.at}  ${e.kind.padEnd(8)} ${e.incident.id}  observed ${d.observed} vs baseline ${d.baseline} (z ${d.z}${d.secondary ? `; ${d.secondary.metric} ${d.secondary.observed} vs ${d.secondary.baseline}` : ''})`,
      );
    }
    if (openAtEnd) lines.push('  (still open at the end of the range)');
  }
  return lines;
}
