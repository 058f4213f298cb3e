import { describe, expect, it } from 'vitest';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import { AlertRuleInputSchema, parseAlertsConfig } from './config.ts';
import { patchedRuleBody, ruleProblems, RulePatchSchema, storedRuleBody } from './rule-input.ts';

const config = parseEarshotConfig(`
workspaces:
  - id: a
    name: A
    brands:
      - { id: acme, name: ACME, query: acme }
  - id: b
    name: B
    brands:
      - { id: bolt, name: Bolt, query: bolt }
alerts:
  channels:
    - { id: a-hook, type: webhook, url: 'http://127.0.0.1:9/a', workspace: a }
    - { id: b-hook, type: webhook, url: 'http://127.0.0.1:9/b', workspace: b }
`);
const alerts = parseAlertsConfig(config);
const wsA = config.workspaces[0]!;

const stored = {
  workspace: 'a',
  id: 'r1',
  rule: { id: 'r1', brand: 'acme', type: 'negative_spike', window: '30m', channels: ['a-hook'] },
  enabled: false,
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
};

describe('rule input', () => {
  it('names each problem against the workspace at its field; another workspace’s channel is unknown', () => {
    const input = AlertRuleInputSchema.parse({
      id: 'x',
      brand: 'bolt',
      type: 'volume_spike',
      channels: ['a-hook', 'b-hook'],
      direction: 'up',
    });
    expect(ruleProblems(input, wsA, alerts)).toEqual([
      { parameter: 'brand', message: 'unknown brand "bolt" in workspace "a"' },
      { parameter: 'channels.1', message: 'unknown channel "b-hook"' },
      { parameter: 'min_change', message: 'only sov_shift rules take min_change and direction' },
    ]);
  });

  it('a patch replaces fields, null removes one, the id stays; the workspace is never stored', () => {
    const patch = RulePatchSchema.parse({ window: null, sensitivity: 'low', enabled: true });
    expect(patch).toEqual({ window: null, sensitivity: 'low', enabled: true });
    expect(patchedRuleBody(stored, { window: null, sensitivity: 'low', id: 'other' })).toEqual({
      id: 'r1',
      brand: 'acme',
      type: 'negative_spike',
      channels: ['a-hook'],
      sensitivity: 'low',
      enabled: false,
    });
    expect(RulePatchSchema.safeParse({ id: 'other' }).success).toBe(false);
    expect(RulePatchSchema.safeParse({ brand: null }).success).toBe(false);
    expect(storedRuleBody({ id: 'r', workspace: 'b', brand: 'acme' })).toEqual({
      id: 'r',
      brand: 'acme',
    });
  });
});
