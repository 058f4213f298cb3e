import type { SettingsItem, SettingsKind } from '../../core/workspace-settings.ts';
import type { Store } from '../port.ts';

/**
 * The `workspace_settings` table: brands and sources made from the API (migration 0016). A
 * change is a new row; the newest version of (workspace, kind, id) is in force.
 */

type Row = {
  workspace: string;
  kind: SettingsKind;
  id: string;
  body: string;
  deleted: boolean | number;
  version: number;
};

/** Every item's newest version, deleted ones included (they still carry the version). */
export const SETTINGS_SQL =
  'SELECT workspace, kind, id, body, deleted, version FROM workspace_settings FINAL ORDER BY version';

export async function listSettings(store: Store): Promise<SettingsItem[]> {
  return parseSettingRows(await store.query<Row>(SETTINGS_SQL));
}

/** Rows of SETTINGS_SQL as items (also read through `earshot sql` while the server runs). */
export function parseSettingRows(rows: ReadonlyArray<Record<string, unknown>>): SettingsItem[] {
  return (rows as unknown as Row[]).map((r) => ({
    workspace: r.workspace,
    kind: r.kind,
    id: r.id,
    body: JSON.parse(r.body) as unknown,
    deleted: Boolean(r.deleted),
    version: Number(r.version),
  }));
}

/** The configuration's version: what every process polls (one tiny aggregate, no FINAL). */
export async function settingsVersion(store: Store): Promise<number> {
  const [row] = await store.query<{ v: number }>(
    'SELECT max(version) AS v FROM workspace_settings',
  );
  return Number(row?.v ?? 0);
}

let lastVersion = 0;

/**
 * Write one item (or its deletion). The version is the clock in milliseconds, made strictly
 * increasing within this process and above the stored maximum, so two quick saves never tie.
 */
export async function saveSetting(
  store: Store,
  item: { workspace: string; kind: SettingsKind; id: string; body: unknown; deleted?: boolean },
  now: Date = new Date(),
): Promise<number> {
  const version = Math.max(now.getTime(), lastVersion + 1, (await settingsVersion(store)) + 1);
  lastVersion = version;
  await store.insert('workspace_settings', [
    {
      workspace: item.workspace,
      kind: item.kind,
      id: item.id,
      body: JSON.stringify(item.body ?? null),
      deleted: item.deleted ?? false,
      version,
      updated_at: now.toISOString(),
    },
  ]);
  return version;
}
