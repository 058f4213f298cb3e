import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { listStoredRules } from '../store/queries/alerts-store.ts';
import {
  AlertRuleInputSchema,
  configRules,
  defaultRules,
  parseAlertsConfig,
  resolveRule,
  type AlertRule,
  type AlertsConfig,
} from './config.ts';

/**
 * Every rule in force: the config file's, then the API's (stored per workspace). An API rule
 * with the id of a config rule of the same workspace is ignored: the reviewed file wins.
 * A stored rule that no longer validates (a brand was removed from the file) is skipped.
 * Last, each brand's default rules (`defaultRules`) for the types no rule covers yet.
 */
export async function allRules(
  store: Store,
  config: EarshotConfig,
  alerts: AlertsConfig = parseAlertsConfig(config),
): Promise<AlertRule[]> {
  const rules = configRules(config, alerts);
  const taken = new Set(rules.map((r) => `${r.workspace}/${r.id}`));
  for (const stored of await listStoredRules(store)) {
    const ws = config.workspaces.find((w) => w.id === stored.workspace);
    const parsed = AlertRuleInputSchema.safeParse(stored.rule);
    if (!ws || !parsed.success || taken.has(`${ws.id}/${parsed.data.id}`)) continue;
    if (!ws.brands.some((b) => b.id === parsed.data.brand)) continue;
    rules.push(
      resolveRule({ ...parsed.data, enabled: stored.enabled }, alerts.defaults, ws.id, 'api'),
    );
  }
  return [...rules, ...defaultRules(config, alerts, rules)];
}

export function competitorsOf(config: EarshotConfig, rule: AlertRule): string[] {
  const ws = config.workspaces.find((w) => w.id === rule.workspace);
  return ws?.brands.find((b) => b.id === rule.brand)?.competitors ?? [];
}
