import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { parseAlertsConfig, type AlertRule } from './config.ts';
import { LOOKBACK_MS, loadRuleSeries } from './evaluator.ts';
import type { Detection } from './detect.ts';
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

/**
 * One alert a backtest would have raised: the record `earshot alerts backtest --json` prints
 * (one JSON line each) and the API's backtest returns. Shape documented in docs/alerts.md.
 */
export interface BacktestAlert {
  workspace: string;
  brand: string;
  rule_id: string;
  rule_type: AlertRule['type'];
  rule_origin: AlertRule['origin'];
  /** The incident id the live evaluator would have given it. */
  incident: string;
  /** When the alert would have opened (the end of the window that fired), ISO 8601. */
  opened_at: string;
  /** When it would have resolved, or null when still open at the end of the range. */
  resolved_at: string | null;
  /** The window that fired: [window_start, window_end), ISO 8601. */
  window_start: string;
  window_end: string;
  window_minutes: number;
  metric: Detection['metric'];
  observed: number;
  baseline: number;
  z: number;
  threshold: number;
  secondary: Detection['secondary'];
  /** The most extreme window while it was open. */
  peak: {
    window_end: string;
    window_minutes: number;
    observed: number;
    baseline: number;
    z: number;
  };
  /** One sentence: why it fired. */
  explanation: string;
}

/** The alerts of a backtest, one per incident opened, in time order. */
export function backtestAlerts(results: readonly BacktestResult[]): BacktestAlert[] {
  const out: BacktestAlert[] = [];
  for (const { rule, events } of results) {
    const last = new Map<string, ReplayEvent>();
    for (const e of events) last.set(e.incident.id, e);
    for (const e of events) {
      if (e.kind !== 'open') continue;
      const d = e.incident.detection;
      const end = last.get(e.incident.id)!.incident;
      const endMs = Date.parse(d.window_end);
      out.push({
        workspace: rule.workspace,
        brand: rule.brand,
        rule_id: rule.id,
        rule_type: rule.type,
        rule_origin: rule.origin,
        incident: e.incident.id,
        opened_at: e.at,
        resolved_at: end.resolved_at,
        window_start: new Date(endMs - d.window_minutes * MINUTE_MS).toISOString(),
        window_end: d.window_end,
        window_minutes: d.window_minutes,
        metric: d.metric,
        observed: d.observed,
        baseline: d.baseline,
        z: d.z,
        threshold: d.threshold,
        secondary: d.secondary,
        peak: {
          window_end: end.peak.window_end,
          window_minutes: end.peak.window_minutes,
          observed: end.peak.observed,
          baseline: end.peak.baseline,
          z: end.peak.z,
        },
        explanation: whyOf(d),
      });
    }
  }
  return out.sort((a, b) => a.opened_at.localeCompare(b.opened_at));
}

const METRIC_WORDS: Record<Detection['metric'], string> = {
  volume: 'mentions',
  negative_count: 'negative mentions',
  net_sentiment: 'net sentiment',
  share_of_voice: 'share of voice',
};

/** "14 negative mentions in 30 min where 1.2 were expected (z 5.1 ≥ 3.75)". */
export function whyOf(d: Detection): string {
  const counts = d.metric === 'volume' || d.metric === 'negative_count';
  const what = counts
    ? `${d.observed} ${METRIC_WORDS[d.metric]} in ${d.window_minutes} min where ${d.baseline} were expected`
    : `${METRIC_WORDS[d.metric]} ${d.observed} over ${d.window_minutes} min against a baseline of ${d.baseline}`;
  const second = d.secondary
    ? `; ${d.secondary.metric.replaceAll('_', ' ')} ${d.secondary.observed} vs ${d.secondary.baseline}`
    : '';
  return `${what} (z ${d.z} ≥ ${d.threshold}${second})`;
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
