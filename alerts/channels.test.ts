import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import { digestChannelsOf, workspaceChannelIds } from './channels.ts';
import { channelsOf, parseAlertsConfig, resolveRule } from './config.ts';

/** Two workspaces, each with its own webhook, and one channel shared by both. */
const yaml = (rules = '', digest = '') => `
workspaces:
  - id: a
    name: A
    brands: [{ id: acme, name: ACME, query: acme }]
  - id: b
    name: B
    brands: [{ id: bolt, name: Bolt, query: bolt }]
alerts:
  channels:
    - { id: a-hook, type: webhook, url: 'http://127.0.0.1:1/a', workspace: a }
    - { id: b-hook, type: webhook, url: 'http://127.0.0.1:1/b', workspace: b }
    - { id: ops, type: webhook, url: 'http://127.0.0.1:1/ops' }
${rules}${digest}`;

describe('alert channels stay inside their workspace', () => {
  it('a workspace may name its own and shared channels, never another’s', () => {
    const alerts = parseAlertsConfig(parseEarshotConfig(yaml()));
    expect([...workspaceChannelIds(alerts, 'a')]).toEqual(['a-hook', 'ops']);
    expect([...workspaceChannelIds(alerts, 'b')]).toEqual(['b-hook', 'ops']);
  });

  it('a config rule naming another workspace’s channel is a config error', () => {
    const config = parseEarshotConfig(
      yaml(
        `  rules:\n    - { id: r, workspace: a, brand: acme, type: volume_spike, channels: [b-hook] }\n`,
      ),
    );
    expect(() => parseAlertsConfig(config)).toThrow(ConfigError);
    expect(() => parseAlertsConfig(config)).toThrow(
      'alerts.rules.0.channels.0: unknown channel "b-hook"',
    );
  });

  it('a rule that names another workspace’s channel (stored before) never delivers there', () => {
    const alerts = parseAlertsConfig(parseEarshotConfig(yaml()));
    const rule = resolveRule(
      { id: 'r', brand: 'acme', type: 'volume_spike', channels: ['b-hook', 'a-hook', 'ops'] },
      alerts.defaults,
      'a',
      'api',
    );
    expect(channelsOf(rule, alerts).map((c) => c.id)).toEqual(['a-hook', 'ops']);
    expect(channelsOf({ ...rule, channels: ['b-hook'] }, alerts)).toEqual([]);
    expect(channelsOf({ ...rule, channels: null }, alerts).map((c) => c.id)).toEqual([
      'a-hook',
      'ops',
    ]);
  });

  it('a workspace’s digest goes to its own listed channels only', () => {
    const alerts = parseAlertsConfig(
      parseEarshotConfig(yaml('', `  digest: { enabled: true, channels: [a-hook, ops] }\n`)),
    );
    expect(digestChannelsOf(alerts, 'a').map((c) => c.id)).toEqual(['a-hook', 'ops']);
    expect(digestChannelsOf(alerts, 'b').map((c) => c.id)).toEqual(['ops']);
    const all = parseAlertsConfig(parseEarshotConfig(yaml()));
    expect(digestChannelsOf(all, 'b').map((c) => c.id)).toEqual(['b-hook', 'ops']);
  });
});
