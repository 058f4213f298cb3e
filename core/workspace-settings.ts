import { BrandConfigSchema, type BrandConfig, type EarshotConfig } from './workspace-config.ts';

/**
 * Brands and sources made from the API or the dashboard, stored per workspace, merged with
 * `earshot.config.yaml`. Precedence (docs/setup.md#precedence): the file wins. An item the file
 * defines is read-only everywhere else; a stored item whose id the file later defines too is
 * shadowed by the file's (and reported); a stored brand of a workspace the file does not name
 * is kept in the store but not in force. Pure: the store and the clock are the caller's.
 */

export type SettingsKind = 'brand' | 'source';

/** One stored item: the newest version of (workspace, kind, id). */
export interface SettingsItem {
  workspace: string;
  kind: SettingsKind;
  id: string;
  /** A brand as the YAML gives it; a source's options. */
  body: unknown;
  deleted: boolean;
  version: number;
}

/** Where an item in force comes from. */
export type Origin = 'config' | 'api';

export interface MergedSettings {
  config: EarshotConfig;
  /** `workspace/brand` of the brands that come from the store. */
  storedBrands: ReadonlySet<string>;
  /** Source name → the workspace whose stored options are in force. */
  storedSources: ReadonlyMap<string, string>;
  /** Stored items not in force, and why (logged; nothing is dropped silently). */
  shadowed: Array<{ workspace: string; kind: SettingsKind; id: string; reason: string }>;
  /** max(version) of the items read: the configuration's version. */
  version: number;
}

export function brandKey(workspace: string, brand: string): string {
  return `${workspace}/${brand}`;
}

/** The file's configuration with the stored items added where the file leaves room. */
export function mergeSettings(file: EarshotConfig, items: readonly SettingsItem[]): MergedSettings {
  const live = items.filter((i) => !i.deleted).sort((a, b) => a.version - b.version);
  const version = items.reduce((v, i) => Math.max(v, i.version), 0);
  const shadowed: MergedSettings['shadowed'] = [];
  const storedBrands = new Set<string>();
  const storedSources = new Map<string, string>();

  const workspaces = file.workspaces.map((ws) => {
    const fileIds = new Set(ws.brands.map((b) => b.id));
    const added: BrandConfig[] = [];
    for (const item of live) {
      if (item.kind !== 'brand' || item.workspace !== ws.id) continue;
      if (fileIds.has(item.id)) {
        shadowed.push({ ...pick(item), reason: 'defined in earshot.config.yaml' });
        continue;
      }
      const parsed = BrandConfigSchema.safeParse(item.body);
      if (!parsed.success || parsed.data.id !== item.id) {
        shadowed.push({ ...pick(item), reason: 'stored brand no longer valid' });
        continue;
      }
      added.push(parsed.data);
      storedBrands.add(brandKey(ws.id, item.id));
    }
    // Competitors that left (a brand deleted from the file) are dropped, not left dangling.
    const ids = new Set([...fileIds, ...added.map((b) => b.id)]);
    const brands = [
      ...ws.brands,
      ...added.map((b) => ({ ...b, competitors: b.competitors.filter((c) => ids.has(c)) })),
    ];
    return { ...ws, brands };
  });
  const known = new Set(file.workspaces.map((w) => w.id));
  for (const item of live)
    if (!known.has(item.workspace))
      shadowed.push({ ...pick(item), reason: `no workspace "${item.workspace}" in the file` });

  const sources: Record<string, unknown> = { ...file.sources };
  for (const item of live) {
    if (item.kind !== 'source' || !known.has(item.workspace)) continue;
    if (item.id in file.sources) {
      shadowed.push({ ...pick(item), reason: 'defined in earshot.config.yaml' });
      continue;
    }
    // One connector per source in a process: the first workspace to configure it runs it.
    if (storedSources.has(item.id)) {
      shadowed.push({ ...pick(item), reason: 'configured by another workspace first' });
      continue;
    }
    sources[item.id] = item.body;
    storedSources.set(item.id, item.workspace);
  }
  return {
    config: { ...file, workspaces, sources },
    storedBrands,
    storedSources,
    shadowed,
    version,
  };
}

function pick(item: SettingsItem) {
  return { workspace: item.workspace, kind: item.kind, id: item.id };
}
