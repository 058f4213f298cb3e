import { stringify } from 'yaml';
import { AlertRuleInputSchema } from '../alerts/config.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import { mergeSettings, type SettingsItem } from '../core/workspace-settings.ts';
import type { StoredRule } from '../store/queries/alerts-store.ts';

/**
 * `earshot config export`: the configuration in force — the file merged with the brands,
 * sources and alert rules stored from the API — as one earshot.config.yaml that `earshot start`
 * accepts as is. Stored items become ordinary items of the file (the header says how many);
 * after swapping the file in, the stored copies are shadowed by the file's (the file wins) and
 * can be deleted. Stored rules join `alerts.rules` with their workspace named; one that could
 * not be in force (its id taken by the file's rule, its brand gone, no longer valid) is left
 * out and named in the header, not dropped silently.
 */
export function exportConfig(
  file: EarshotConfig,
  items: readonly SettingsItem[],
  rawAlerts: unknown,
  storedRules: readonly StoredRule[] = [],
): string {
  const merged = mergeSettings(file, items);
  const config: Record<string, unknown> = {
    workspaces: merged.config.workspaces.map((ws) => ({
      id: ws.id,
      name: ws.name,
      brands: ws.brands.map((b) => ({
        id: b.id,
        name: b.name,
        query: b.query,
        ...(b.competitors.length > 0 ? { competitors: b.competitors } : {}),
        ...(b.color !== undefined ? { color: b.color } : {}),
        ...(b.owned !== undefined ? { owned: b.owned } : {}),
      })),
    })),
  };
  if (Object.keys(merged.config.sources).length > 0) config.sources = merged.config.sources;
  const rules = exportedRules(merged.config, rawAlerts, storedRules);
  if (rules.added.length > 0)
    config.alerts = {
      ...(isRecord(rawAlerts) ? rawAlerts : {}),
      rules: [...rules.fromFile, ...rules.added],
    };
  else if (rawAlerts !== undefined) config.alerts = rawAlerts;
  const stored = [...merged.storedBrands].length + merged.storedSources.size + rules.added.length;
  const header = [
    '# earshot.config.yaml written by `earshot config export`: the file and what was set up from',
    `# the dashboard or the API (${stored} stored item${stored === 1 ? '' : 's'}), merged.`,
    ...rules.left.map((l) => `# alert rule "${l.workspace}/${l.id}" left out: ${l.reason}`),
    '',
  ].join('\n');
  return `${header}${stringify(config, { lineWidth: 0 })}`;
}

/**
 * The file's rules as written, and the stored ones that are in force (alerts/rules.ts:
 * `allRules` keeps the same ones), each with its workspace, and `enabled: false` when paused.
 */
function exportedRules(
  config: EarshotConfig,
  rawAlerts: unknown,
  storedRules: readonly StoredRule[],
): {
  fromFile: unknown[];
  added: Array<Record<string, unknown>>;
  left: Array<{ workspace: string; id: string; reason: string }>;
} {
  const fromFile = isRecord(rawAlerts) && Array.isArray(rawAlerts.rules) ? rawAlerts.rules : [];
  const only = config.workspaces.length === 1 ? config.workspaces[0]!.id : undefined;
  const taken = new Set(
    fromFile.flatMap((r) =>
      isRecord(r) && typeof r.id === 'string'
        ? [`${typeof r.workspace === 'string' ? r.workspace : only}/${r.id}`]
        : [],
    ),
  );
  const added: Array<Record<string, unknown>> = [];
  const left: Array<{ workspace: string; id: string; reason: string }> = [];
  for (const stored of storedRules) {
    const ws = config.workspaces.find((w) => w.id === stored.workspace);
    const parsed = AlertRuleInputSchema.safeParse(stored.rule);
    const why = !ws
      ? `no workspace "${stored.workspace}" in the file`
      : !parsed.success
        ? 'no longer a valid rule'
        : taken.has(`${ws.id}/${parsed.data.id}`)
          ? 'the file has a rule with its id (the file’s is in force)'
          : !ws.brands.some((b) => b.id === parsed.data.brand)
            ? `its brand "${parsed.data.brand}" is gone`
            : null;
    if (why !== null) {
      left.push({ workspace: stored.workspace, id: stored.id, reason: why });
      continue;
    }
    // The rule as it was given (no defaults filled in: the file's `defaults` still apply).
    const { enabled: _enabled, workspace: _workspace, ...rule } = stored.rule;
    added.push({
      id: stored.id,
      workspace: stored.workspace,
      ...rule,
      ...(stored.enabled ? {} : { enabled: false }),
    });
  }
  return { fromFile, added, left };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The stored rules as `earshot config export` reads them through a running earshot's SQL. */
export const STORED_RULES_SQL = `SELECT workspace, id, rule, enabled, toString(created_at) AS created_at, toString(updated_at) AS updated_at
  FROM alert_rules FINAL WHERE deleted = 0 ORDER BY workspace, id`;

export function parseStoredRuleRows(rows: ReadonlyArray<Record<string, unknown>>): StoredRule[] {
  return rows.map((r) => ({
    workspace: String(r.workspace),
    id: String(r.id),
    rule: JSON.parse(String(r.rule)) as Record<string, unknown>,
    enabled: Boolean(Number(r.enabled)),
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
  }));
}
