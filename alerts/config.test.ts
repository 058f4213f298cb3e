import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import {
  channelsOf,
  configRules,
  defaultRules,
  parseAlertsConfig,
  SENSITIVITY_Z,
} from './config.ts';

const base = `
workspaces:
  - id: acme
    name: Acme
    brands:
      - { id: a, name: A, query: 'A', competitors: [b] }
      - { id: b, name: B, query: 'B' }
`;

function alertsOf(yaml: string) {
  const config = parseEarshotConfig(`${base}${yaml}`);
  return { config, alerts: parseAlertsConfig(config) };
}

function problems(yaml: string): string {
  try {
    alertsOf(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('alerts config', () => {
  it('applies defaults and resolves the single workspace', () => {
    const { config, alerts } = alertsOf(`
alerts:
  rules:
    - { id: a-neg, brand: a, type: negative_spike }
    - { id: a-sov, brand: a, type: sov_shift, window: 1h, sensitivity: 3.5, min_change: 0.05, direction: down, filters: { sources: [demo], langs: [en] } }
`);
    const [neg, sov] = configRules(config, alerts);
    expect(neg).toMatchObject({
      workspace: 'acme',
      windowMs: 15 * 60_000,
      threshold: SENSITIVITY_Z.medium,
      minVolume: 0,
      cooldownMs: 3_600_000,
      enabled: true,
      filters: { sources: [], langs: [] },
    });
    expect(sov).toMatchObject({
      windowMs: 3_600_000,
      threshold: 3.5,
      minChange: 0.05,
      direction: 'down',
      filters: { sources: ['demo'], langs: ['en'] },
    });
    expect(alerts.schedule).toBe('* * * * *');
  });

  it('gives every brand default rules, a new one too, unless a rule of that type exists', () => {
    const { config, alerts } = alertsOf(`
alerts:
  rules:
    - { id: mine, brand: a, type: negative_spike, sensitivity: high }
`);
    const rules = [...configRules(config, alerts)];
    const all = [...rules, ...defaultRules(config, alerts, rules)];
    expect(all.map((r) => `${r.id}/${r.origin}`).sort()).toEqual([
      'a-sentiment-drop/default',
      'a-volume-spike/default',
      'b-negative-spike/default',
      'b-sentiment-drop/default',
      'b-volume-spike/default',
      'mine/config',
    ]);
    // No fixed minimum: a quiet brand can alert.
    expect(all.every((r) => r.minVolume === 0)).toBe(true);
    const off = alertsOf(`
alerts:
  default_rules: false
`);
    expect(defaultRules(off.config, off.alerts, [])).toEqual([]);
  });

  it('is optional: no alerts section means no rules', () => {
    expect(alertsOf('').alerts.rules).toEqual([]);
  });

  it.each([
    [
      'a bad window',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: volume_spike, window: 15 }`,
      'alerts.rules.0.window',
    ],
    [
      'a window too short',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: volume_spike, window: 1m }`,
      'alerts.rules.0.window: window must be between 5m and 6h',
    ],
    [
      'an unknown type',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: spike }`,
      'alerts.rules.0.type',
    ],
    [
      'an unknown brand',
      `alerts:\n  rules:\n    - { id: x, brand: zz, type: volume_spike }`,
      'alerts.rules.0.brand: unknown brand "zz"',
    ],
    [
      'sov without competitors',
      `alerts:\n  rules:\n    - { id: x, brand: b, type: sov_shift }`,
      'alerts.rules.0.type: sov_shift needs competitors',
    ],
    [
      'an unknown channel',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: volume_spike, channels: [nope] }`,
      'alerts.rules.0.channels.0: unknown channel "nope"',
    ],
    [
      'a duplicate rule',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: volume_spike }\n    - { id: x, brand: b, type: volume_spike }`,
      'alerts.rules.1.id: duplicate rule "x"',
    ],
    [
      'an unknown key',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: volume_spike, windw: 1h }`,
      'alerts.rules.0',
    ],
    [
      'a webhook with no url',
      `alerts:\n  channels:\n    - { id: s, type: webhook, format: slack }`,
      'alerts.channels.0: give exactly one of url or url_env',
    ],
    [
      'min_change on a spike rule',
      `alerts:\n  rules:\n    - { id: x, brand: a, type: volume_spike, min_change: 0.2 }`,
      'alerts.rules.0.min_change',
    ],
  ])('names the key of %s', (_what, yaml, expected) => {
    expect(problems(yaml)).toContain(expected);
  });

  it('lists every problem at once', () => {
    const message = problems(
      `alerts:\n  rules:\n    - { id: x, brand: zz, type: volume_spike }\n    - { id: y, brand: yy, type: volume_spike }`,
    );
    expect(message).toContain('alerts.rules.0.brand');
    expect(message).toContain('alerts.rules.1.brand');
  });

  it('routes a rule to its channels, else to every channel of its workspace', () => {
    const { config, alerts } = alertsOf(`
alerts:
  channels:
    - { id: slack, type: webhook, format: slack, url_env: SLACK_URL }
    - { id: other, type: webhook, url: 'http://127.0.0.1:1/x', workspace: elsewhere }
    - { id: mail, type: email, smtp_url: 'smtp://127.0.0.1:2525', from: a@b.c, to: [c@d.e] }
  rules:
    - { id: one, brand: a, type: volume_spike, channels: [mail] }
    - { id: all, brand: a, type: volume_spike }
`);
    const [one, all] = configRules(config, alerts);
    expect(channelsOf(one!, alerts).map((c) => c.id)).toEqual(['mail']);
    expect(channelsOf(all!, alerts).map((c) => c.id)).toEqual(['slack', 'mail']);
  });
});
