import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import { mergeSettings, type SettingsItem } from '../core/workspace-settings.ts';
import { parseAlertsConfig } from '../alerts/config.ts';
import type { StoredRule } from '../store/queries/alerts-store.ts';
import { exportConfig } from './config-export.ts';
import { CONFIG_RULES } from './config-rules.ts';
import { DEMO_CONFIG_PATH } from './settings.ts';

const text = readFileSync(DEMO_CONFIG_PATH, 'utf8');
const file = parseEarshotConfig(text, DEMO_CONFIG_PATH, CONFIG_RULES);
const alerts = (parse(text) as { alerts?: unknown }).alerts;

const items: SettingsItem[] = [
  {
    workspace: 'demo',
    kind: 'brand',
    id: 'acme-cloud',
    body: {
      id: 'acme-cloud',
      name: 'ACME Cloud',
      query: `"acme cloud" OR (acme NEAR/3 (cloud OR hosting)) NOT "it's a road runner"`,
      competitors: ['aurora'],
      color: '#ff8800',
      owned: { bluesky: ['acme.bsky.social'], youtube: [], mastodon: [] },
    },
    deleted: false,
    version: 1,
  },
  {
    workspace: 'demo',
    kind: 'brand',
    id: 'gone',
    body: { id: 'gone', name: 'Gone', query: 'gone', competitors: [] },
    deleted: true,
    version: 2,
  },
  {
    workspace: 'demo',
    kind: 'source',
    id: 'hackernews',
    body: { queries: ['acme', '"acme cloud"'] },
    deleted: false,
    version: 3,
  },
  {
    workspace: 'demo',
    kind: 'source',
    id: 'youtube',
    body: { channel_ids: ['UCxxxxxxxxxxxxxxxxxxxxxx'], api_key_env: 'YOUTUBE_API_KEY' },
    deleted: false,
    version: 4,
  },
];

const at = '2026-12-01T00:00:00.000Z';
const rule = (id: string, body: Record<string, unknown>, enabled = true): StoredRule => ({
  workspace: 'demo',
  id,
  rule: { id, ...body },
  enabled,
  created_at: at,
  updated_at: at,
});
/** Rules made in the UI or the API: two in force (one paused), three that cannot be. */
const rules: StoredRule[] = [
  rule('acme-cloud-negative', { brand: 'acme-cloud', type: 'negative_spike', window: '30m' }),
  rule('aurora-sov', { brand: 'aurora', type: 'sov_shift', min_change: 0.1 }, false),
  // The file's id: the file's rule is in force.
  rule('nimbus-negative-spike', { brand: 'nimbus', type: 'volume_spike' }),
  // Its brand was deleted.
  rule('gone-volume', { brand: 'gone', type: 'volume_spike' }),
  { ...rule('elsewhere', { brand: 'aurora', type: 'volume_spike' }), workspace: 'nowhere' },
];

describe('earshot config export', () => {
  it('includes the alert rules made in the UI or the API; earshot start accepts it as is', () => {
    const out = exportConfig(file, items, alerts, rules);
    const back = parseEarshotConfig(out, 'exported.yaml', CONFIG_RULES);
    const inForce = parseAlertsConfig(back).rules.map((r) => ({
      id: r.id,
      workspace: r.workspace,
      brand: r.brand,
      type: r.type,
      enabled: r.enabled ?? true,
    }));
    expect(inForce).toEqual([
      ...parseAlertsConfig(file).rules.map((r) => ({
        id: r.id,
        workspace: r.workspace,
        brand: r.brand,
        type: r.type,
        enabled: r.enabled ?? true,
      })),
      {
        id: 'acme-cloud-negative',
        workspace: 'demo',
        brand: 'acme-cloud',
        type: 'negative_spike',
        enabled: true,
      },
      { id: 'aurora-sov', workspace: 'demo', brand: 'aurora', type: 'sov_shift', enabled: false },
    ]);
    expect(parseAlertsConfig(back).rules.find((r) => r.id === 'acme-cloud-negative')?.window).toBe(
      30 * 60_000,
    );
    // The file's other alert settings are kept.
    expect(parseAlertsConfig(back).defaults).toEqual(parseAlertsConfig(file).defaults);
    // Those that cannot be in force are named, not dropped silently.
    expect(out).toContain('# alert rule "demo/nimbus-negative-spike" left out: the file has');
    expect(out).toContain('# alert rule "demo/gone-volume" left out: its brand "gone" is gone');
    expect(out).toContain('# alert rule "nowhere/elsewhere" left out: no workspace "nowhere"');
    expect(out).toContain('(5 stored items)');
    // Used as the file, exported again with the same store: a fixed point.
    const twice = exportConfig(back, items, (parse(out) as { alerts?: unknown }).alerts, rules);
    expect(parseEarshotConfig(twice, 'again.yaml', CONFIG_RULES).alerts).toEqual(back.alerts);
  });

  it('writes the merged configuration as a file earshot start accepts, and reads back the same', () => {
    const out = exportConfig(file, items, alerts);
    // The checks `earshot start` runs on its file (unknown keys, queries, rules).
    const back = parseEarshotConfig(out, 'exported.yaml', CONFIG_RULES);
    const merged = mergeSettings(file, items).config;
    expect(back.workspaces).toEqual(merged.workspaces);
    expect(back.sources).toEqual(merged.sources);
    expect(back.alerts).toEqual(file.alerts);
    expect(back.workspaces[0]!.brands.map((b) => b.id)).toContain('acme-cloud');
    expect(back.workspaces[0]!.brands.map((b) => b.id)).not.toContain('gone');
    // Credentials stay env var names.
    expect(out).toContain('api_key_env: YOUTUBE_API_KEY');
  });

  it('exported again after being used as the file, it is the same text (a fixed point)', () => {
    const once = exportConfig(file, items, alerts);
    const asFile = parseEarshotConfig(once, 'exported.yaml', CONFIG_RULES);
    // Stored items now shadowed by the file: nothing new.
    const twice = exportConfig(asFile, items, (parse(once) as { alerts?: unknown }).alerts);
    expect(twice.split('\n').slice(2)).toEqual(once.split('\n').slice(2));
  });
});
