import type { EarshotConfig, WorkspaceConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { listStoredRules, type StoredRule } from '../store/queries/alerts-store.ts';
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

/** The config file's rules of one workspace (read-only through the API). */
export function workspaceConfigRules(
  config: EarshotConfig,
  alerts: AlertsConfig,
  workspace: string,
): AlertRule[] {
  return configRules(config, alerts).filter((r) => r.workspace === workspace);
}

/**
 * One workspace's rules as the API lists them: the file's, then the API's (with their stored
 * row; one whose id the file took is hidden), then the default rules for the types neither
 * covers. Unlike `allRules`, a stored rule whose brand left the file is still listed, so it
 * can be seen and deleted.
 */
export async function workspaceRules(
  store: Store,
  config: EarshotConfig,
  alerts: AlertsConfig,
  ws: WorkspaceConfig,
): Promise<Array<{ rule: AlertRule; stored: StoredRule | null }>> {
  const fromFile = workspaceConfigRules(config, alerts, ws.id);
  const taken = new Set(fromFile.map((r) => r.id));
  const stored = (await listStoredRules(store, ws.id))
    .filter((s) => !taken.has(s.id))
    .flatMap((s) => {
      const parsed = AlertRuleInputSchema.safeParse(s.rule);
      return parsed.success
        ? [
            {
              rule: resolveRule(
                { ...parsed.data, enabled: s.enabled },
                alerts.defaults,
                ws.id,
                'api',
              ),
              stored: s,
            },
          ]
        : [];
    });
  const inForce = [...fromFile, ...stored.map((s) => s.rule)];
  const defaults = defaultRules(config, alerts, inForce).filter((r) => r.workspace === ws.id);
  return [
    ...fromFile.map((rule) => ({ rule, stored: null })),
    ...stored,
    ...defaults.map((rule) => ({ rule, stored: null })),
  ];
}

export function competitorsOf(config: EarshotConfig, rule: AlertRule): string[] {
  const ws = config.workspaces.find((w) => w.id === rule.workspace);
  return ws?.brands.find((b) => b.id === rule.brand)?.competitors ?? [];
}
