import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import { mergeSettings, type SettingsItem } from '../core/workspace-settings.ts';
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

describe('earshot config export', () => {
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
