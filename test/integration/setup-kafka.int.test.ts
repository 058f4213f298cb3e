import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { apiExtraRoutes, setupPortFor, type Runtime } from '../../cli/roles/index.ts';
import { enrichServices } from '../../cli/roles/enrich.ts';
import { KafkaBus } from '../../core/bus/kafka.ts';
import { Topics } from '../../core/contracts/topics.ts';
import type { Service } from '../../core/runtime/services.ts';
import { silentLogger } from '../../core/logger.ts';
import { StageRunner } from '../../core/stage-runner.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
import { createApiKey } from '../../store/queries/api-keys.ts';
import { saveSetting } from '../../store/queries/settings.ts';
import { sinkStage } from '../../store/sink/stage.ts';
import { aMention } from '../support/builders.ts';
import { runtimeWithSettings } from '../support/setup-runtime.ts';
import { freshStore, uniqueSuffix } from '../support/store.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Hot apply with one process per role on Kafka: the API and the enrich role each have their
 * own runtime (their own bus client and settings poller), sharing only the broker and the
 * store, as `earshot run api` and `earshot run enrich` do. A brand saved through the API must
 * reach the enrich stage, and a brand saved by another process must reach the API, within
 * seconds and without a restart.
 */

const services = inject('services');
const logger = silentLogger();
const file = parseEarshotConfig(`
workspaces:
  - id: acme
    name: ACME
    brands:
      - { id: acme, name: ACME, query: acme }
`);
const suffix = uniqueSuffix();
/** This run's topics and groups on the shared broker: the role's own names, namespaced. */
const namespace = `setup-${suffix}.`;
const names = { raw: Topics.raw, enriched: Topics.enriched };
/** The poll interval of both processes, and what "within seconds" must mean here. */
const POLL_MS = 500;

let store: Store;
let apiBus: KafkaBus;
let enrichBus: KafkaBus;
let apiRt: Runtime;
let enrichRt: Runtime;
let enrich: Service;
let sink: StageRunner<Record<string, unknown>, Record<string, unknown>>;
let app: FastifyInstance;
let key: string;

const kafka = (clientId: string) =>
  new KafkaBus({ brokers: services.kafka.brokers, clientId, partitions: 2, namespace, logger });

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });

const feedIds = async (brand: string) =>
  (await call('GET', `/v1/brands/${brand}/mentions?from=now-1h`))
    .json<{ mentions?: Array<{ id: string }> }>()
    .mentions?.map((m) => m.id) ?? [];

beforeAll(async () => {
  store = await freshStore(services);
  apiBus = kafka(`api-${suffix}`);
  enrichBus = kafka(`enrich-${suffix}`);
  await enrichBus.ensureTopics([names.raw, names.enriched]);
  apiRt = await runtimeWithSettings({ store, bus: apiBus, file, logger, pollMs: POLL_MS });
  enrichRt = await runtimeWithSettings({ store, bus: enrichBus, file, logger, pollMs: POLL_MS });
  enrich = enrichServices(enrichRt)[0]!;
  await enrich.start({ fail: () => undefined });
  sink = new StageRunner(sinkStage(store), {
    bus: enrichBus,
    logger,
    consumer: { groupId: `sink-${suffix}`, topics: [names.enriched], maxWaitMs: 100 },
  });
  void sink.run();
  const noop = () => Promise.resolve();
  app = await buildApi({
    store,
    config: apiRt.config,
    logger,
    extraRoutes: apiExtraRoutes({ produce: noop, deadLetter: noop }),
    setup: setupPortFor(apiRt)!,
  });
  key = (await createApiKey(store, 'acme', 'test')).key;
});

afterAll(async () => {
  await app?.close();
  await enrich?.stop();
  await sink?.stop();
  apiRt?.close();
  enrichRt?.close();
  await apiBus?.close();
  await enrichBus?.close();
  await store?.close();
});

describe('hot apply, one process per role on Kafka', () => {
  it('a brand saved through the API reaches the enrich process within a poll, no restart', async () => {
    const saved = Date.now();
    const res = await call('POST', '/v1/brands', { name: 'Quillon', query: 'quillon' });
    expect(res.statusCode).toBe(201);
    await waitFor(() => enrichRt.config().workspaces[0]!.brands.some((b) => b.id === 'quillon'), {
      what: 'the enrich process to see the brand',
      timeoutMs: 10_000,
    });
    // Within about one poll interval (the store answers in milliseconds).
    expect(Date.now() - saved).toBeLessThan(POLL_MS * 4 + 2_000);
    await apiBus.produce(names.raw, [
      {
        key: 'k:1',
        value: JSON.stringify(
          aMention({
            id: 'k:1',
            source: 'k',
            text: 'quillon on kafka',
            created_at: new Date().toISOString(),
          }),
        ),
      },
    ]);
    await waitFor(async () => (await feedIds('quillon')).includes('k:1'), {
      what: 'the mention in the brand’s feed',
      timeoutMs: 60_000,
    });
  });

  it('an edited query applies to the next mention', async () => {
    const res = await call('PATCH', '/v1/brands/quillon', { query: 'quillon OR quilly' });
    expect(res.statusCode).toBe(200);
    await waitFor(
      () =>
        enrichRt.config().workspaces[0]!.brands.find((b) => b.id === 'quillon')?.query ===
        'quillon OR quilly',
      { what: 'the edited query in the enrich process', timeoutMs: 10_000 },
    );
    await apiBus.produce(names.raw, [
      {
        key: 'k:2',
        value: JSON.stringify(
          aMention({
            id: 'k:2',
            source: 'k',
            text: 'quilly is here',
            created_at: new Date().toISOString(),
          }),
        ),
      },
    ]);
    await waitFor(async () => (await feedIds('quillon')).includes('k:2'), {
      what: 'the mention matched by the edited query',
      timeoutMs: 60_000,
    });
  });

  it('a brand saved by another process reaches the API within a poll', async () => {
    await saveSetting(store, {
      workspace: 'acme',
      kind: 'brand',
      id: 'elsewhere',
      body: { id: 'elsewhere', name: 'Elsewhere', query: 'elsewhere', competitors: [] },
    });
    const saved = Date.now();
    await waitFor(
      async () =>
        (await call('GET', '/v1/brands'))
          .json<{ brands: Array<{ id: string }> }>()
          .brands.some((b) => b.id === 'elsewhere'),
      { what: 'the API to list the brand', timeoutMs: 10_000 },
    );
    expect(Date.now() - saved).toBeLessThan(POLL_MS * 4 + 2_000);
  });
});
