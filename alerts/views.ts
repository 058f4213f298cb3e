import type { StoredIncident, StoredRule } from '../store/queries/alerts-store.ts';
import { backtestAlerts, type BacktestResult } from './backtest.ts';
import { channelOfWorkspace } from './channels.ts';
import type { AlertRule, AlertsConfig } from './config.ts';
import { MINUTE_MS } from './series.ts';

/**
 * The JSON the API answers for rules, alerts and backtests (field by field in docs/api.md and
 * docs/alerts.md). Wire names are snake_case; durations are shown as minutes ("60m").
 */

/** A rule with every default applied, and when it was stored (null: from the file or a default). */
export function ruleView(r: AlertRule, stored: StoredRule | null) {
  return {
    id: r.id,
    origin: r.origin,
    brand: r.brand,
    type: r.type,
    window: `${r.windowMs / MINUTE_MS}m`,
    sensitivity: r.sensitivity,
    threshold_z: r.threshold,
    min_volume: r.minVolume,
    cooldown: `${r.cooldownMs / MINUTE_MS}m`,
    ...(r.type === 'sov_shift' ? { min_change: r.minChange, direction: r.direction } : {}),
    filters: r.filters,
    channels: r.channels,
    enabled: r.enabled,
    created_at: stored?.created_at ?? null,
    updated_at: stored?.updated_at ?? null,
  };
}

/**
 * The channels a workspace's rules may name: id and type only. Never a URL or an address (they
 * are credentials) and never another workspace's channel.
 */
export function workspaceChannels(alerts: AlertsConfig, workspace: string) {
  return alerts.channels
    .filter((c) => channelOfWorkspace(c, workspace))
    .map((c) => ({ id: c.id, type: c.type }));
}

/** One alert (incident) with why it fired and its events (opened, updated, resolved). */
export function incidentView(
  i: StoredIncident,
  events: ReadonlyArray<{ incident_id: string; kind: string; at: string }>,
) {
  return {
    id: i.id,
    rule_id: i.rule_id,
    brand: i.brand,
    type: i.type,
    state: i.state,
    opened_at: i.opened_at,
    updated_at: i.updated_at,
    resolved_at: i.resolved_at,
    acked_at: i.acked_at,
    acked_by: i.acked_by,
    historical: i.historical ?? false,
    why: i.detection,
    peak: i.peak,
    context: i.context,
    events: events.filter((e) => e.incident_id === i.id).map((e) => ({ kind: e.kind, at: e.at })),
  };
}

/**
 * One rule's backtest over [from, to): each alert it would have raised (the record of
 * `earshot alerts backtest --json`, plus the incident's state and detection) and every event.
 */
export function backtestView(result: BacktestResult, from: Date, to: Date) {
  const records = new Map(backtestAlerts([result]).map((a) => [a.incident, a]));
  const byIncident = new Map<string, BacktestResult['events']>();
  for (const e of result.events)
    byIncident.set(e.incident.id, [...(byIncident.get(e.incident.id) ?? []), e]);
  return {
    rule: result.rule.id,
    from: from.toISOString(),
    to: to.toISOString(),
    evaluations: Math.ceil((to.getTime() - from.getTime()) / MINUTE_MS),
    alerts: [...byIncident.values()].map((events) => {
      const last = events[events.length - 1]!.incident;
      return {
        // rule, window, opened time, numbers and a sentence (alerts/backtest.ts).
        ...records.get(last.id),
        id: last.id,
        brand: last.brand,
        type: last.type,
        state: last.state,
        opened_at: last.opened_at,
        resolved_at: last.resolved_at,
        why: events[0]!.incident.detection,
        peak: last.peak,
      };
    }),
    events: result.events.map((e) => ({ kind: e.kind, at: e.at, incident: e.incident.id })),
  };
}
