import { stringify } from 'yaml';
import type { EarshotConfig } from '../core/workspace-config.ts';
import { mergeSettings, type SettingsItem } from '../core/workspace-settings.ts';

/**
 * `earshot config export`: the configuration in force — the file merged with the brands and
 * sources stored from the API — as one earshot.config.yaml that `earshot start` accepts as is.
 * Stored items become ordinary items of the file (with a comment saying where they came from);
 * after swapping the file in, the stored copies are shadowed by the file's (the file wins) and
 * can be deleted. Alert rules stored from the API stay in the store (the `alerts:` section of
 * the file is written as it was).
 */
export function exportConfig(
  file: EarshotConfig,
  items: readonly SettingsItem[],
  rawAlerts: unknown,
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
  if (rawAlerts !== undefined) config.alerts = rawAlerts;
  const stored = [...merged.storedBrands].length + merged.storedSources.size;
  const header = [
    '# earshot.config.yaml written by `earshot config export`: the file and what was set up from',
    `# the dashboard or the API (${stored} stored item${stored === 1 ? '' : 's'}), merged.`,
    '',
  ].join('\n');
  return `${header}${stringify(config, { lineWidth: 0 })}`;
}
