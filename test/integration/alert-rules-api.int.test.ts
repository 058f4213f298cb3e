import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { alertRoutes } from '../../api/routes/alerts.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
import { listStoredRules } from '../../store/queries/alerts-store.ts';
import { freshStore } from '../support/store.ts';

/**
 * What the rules form of the Alerts page relies on, on a real ClickHouse engine: the channels a
 * workspace's rules may name (its own only), a change that clears a field (merge-patch `null`),
 * a default rule taken over by a stored one of the same id, and each bad field named in the
 * 400's details.
 */
const config = parseEarshotConfig(`
workspaces:
  - id: ws-a
    name: A
    brands:
      - { id: acme, name: ACME, query: acme, competitors: [rival] }
      - { id: rival, name: Rival, query: rival }
  - id: ws-b
    name: B
    brands:
      - { id: bolt, name: Bolt, query: bolt }
alerts:
  channels:
    - { id: a-hook, type: webhook, url: 'http://127.0.0.1:9/a', workspace: ws-a }
    - { id: shared-mail, type: email, smtp_url: 'smtp://127.0.0.1:9', from: a@x.io, to: [b@x.io] }
    - { id: b-hook, type: webhook, url: 'http://127.0.0.1:9/b', workspace: ws-b }
  rules:
    - { id: acme-file, workspace: ws-a, brand: acme, type: volume_spike }
`);

const services = inject('services');
let store: Store;
let api: FastifyInstance;

beforeAll(async () => {
  store = await freshStore(services);
  api = await buildApi({
    store,
    config: () => config,
    logger: silentLogger(),
    demoKey: { key: 'key-of-a', workspace: 'ws-a' },
    extraRoutes: [alertRoutes],
  });
});

afterAll(async () => {
  await api?.close();
  await store?.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  api.inject({
    method,
    url,
    headers: { authorization: 'Bearer key-of-a' },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

interface RuleView {
  id: string;
  origin: string;
  type: string;
  window: string;
  sensitivity: unknown;
  enabled: boolean;
  channels: string[] | null;
}

const rules = async () =>
  (await call('GET', '/v1/alert-rules')).json<{
    rules: RuleView[];
    channels: Array<{ id: string; type: string }>;
  }>();

describe('alert rules API for the rules form', () => {
  it('lists the channels the workspace may name: its own and the shared ones, no secrets', async () => {
    const body = await rules();
    expect(body.channels).toEqual([
      { id: 'a-hook', type: 'webhook' },
      { id: 'shared-mail', type: 'email' },
    ]);
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('a change clears a field with null (the default applies again); others stay', async () => {
    const created = await call('POST', '/v1/alert-rules', {
      id: 'acme-neg',
      brand: 'acme',
      type: 'negative_spike',
      window: '30m',
      sensitivity: 'high',
      channels: ['a-hook'],
    });
    expect(created.statusCode).toBe(201);
    const changed = await call('PATCH', '/v1/alert-rules/acme-neg', {
      window: '1h',
      sensitivity: null,
      channels: null,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      window: '60m',
      sensitivity: 'medium',
      channels: null,
      enabled: true,
    });
    // Stored as written: the duration as a string, the cleared fields gone.
    const [stored] = (await listStoredRules(store, 'ws-a')).filter((r) => r.id === 'acme-neg');
    expect(stored!.rule).toEqual({
      id: 'acme-neg',
      brand: 'acme',
      type: 'negative_spike',
      window: '1h',
      enabled: true,
    });
  });

  it('names each bad field in the details: schema, workspace and channel problems', async () => {
    const badWindow = await call('PATCH', '/v1/alert-rules/acme-neg', { window: '2 hours' });
    expect(badWindow.statusCode).toBe(400);
    const details = badWindow.json<{ error: { details: Array<Record<string, string>> } }>().error
      .details;
    expect(details.map((d) => d.parameter)).toEqual(['window']);
    expect(details[0]!.message).toMatch(/15m/);
    const foreign = await call('POST', '/v1/alert-rules', {
      id: 'acme-x',
      brand: 'acme',
      type: 'negative_spike',
      channels: ['a-hook', 'b-hook'],
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({
      error: { details: [{ parameter: 'channels.1', message: 'unknown channel "b-hook"' }] },
    });
    const noCompetitors = await call('POST', '/v1/alert-rules', {
      id: 'rival-sov',
      brand: 'rival',
      type: 'sov_shift',
    });
    expect(noCompetitors.json()).toMatchObject({ error: { details: [{ parameter: 'type' }] } });
  });

  it('a stored rule with a default rule’s id takes its place, and disables it', async () => {
    const before = await rules();
    expect(before.rules.find((r) => r.id === 'acme-sentiment-drop')?.origin).toBe('default');
    const taken = await call('POST', '/v1/alert-rules', {
      id: 'acme-sentiment-drop',
      brand: 'acme',
      type: 'sentiment_drop',
      enabled: false,
    });
    expect(taken.statusCode).toBe(201);
    const after = await rules();
    expect(after.rules.filter((r) => r.id === 'acme-sentiment-drop')).toEqual([
      expect.objectContaining({ origin: 'api', enabled: false }),
    ]);
    // The file's rule stays read-only.
    expect((await call('PATCH', '/v1/alert-rules/acme-file', { enabled: false })).statusCode).toBe(
      409,
    );
  });
});
