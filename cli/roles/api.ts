import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../api/app.ts';
import type { KeyChanges } from '../../api/auth.ts';
import { alertRoutes } from '../../api/routes/alerts.ts';
import { ingestRoutes, type IngestRoutePorts } from '../../api/routes/ingest.ts';
import { setupRoutes } from '../../api/routes/setup.ts';
import { sourceRoutes } from '../../api/routes/sources.ts';
import type { SetupPort } from '../../api/setup-port.ts';
import { uiRoutes } from '../../api/routes/ui.ts';
import { InProcessBus } from '../../core/bus/in-process.ts';
import type { Service } from '../../core/runtime/services.ts';
import type { ConnectorStatus } from '../../ingest/runtime.ts';
import { createApiKey, listApiKeys, parseApiKey } from '../../store/queries/api-keys.ts';
import type { Runtime } from '../runtime.ts';
import { StoredMark } from '../embedded.ts';
import { createSetupPort } from '../setup/port.ts';
import { ingestPorts } from './ingest.ts';

/**
 * The `/v1` routes beyond the read API, for every process that serves it. The security suite
 * (test/integration/security/) builds its API from this too, so a route added here is covered.
 */
export function apiExtraRoutes(ports: IngestRoutePorts) {
  return [ingestRoutes(ports), alertRoutes, setupRoutes, sourceRoutes];
}

/**
 * How long `POST /v1/ingest` waits, on the in-process bus, for what it produced to be stored
 * before it answers 503 (the pipeline stopped or far behind). Enrich and the sinks flush every
 * SINK_FLUSH_INTERVAL_MS (500 ms by default), so a request usually waits under a second.
 */
const INGEST_STORE_TIMEOUT_MS = 30_000;

/** The ingest route's ports: on the in-process bus, it answers once the mentions are stored. */
function ingestRoutePorts(rt: Runtime): IngestRoutePorts {
  const ports = ingestPorts(rt, new AbortController().signal);
  const bus = rt.bus;
  if (!(bus instanceof InProcessBus)) return ports;
  return {
    ...ports,
    untilStored: () => new StoredMark(bus).until(INGEST_STORE_TIMEOUT_MS),
  };
}

/** The setup routes' port for this runtime (brands, sources, preview, re-match). */
export function setupPortFor(
  rt: Runtime,
  connectorStatus?: () => ConnectorStatus[],
): SetupPort | undefined {
  if (!rt.settingsSync) return undefined;
  return createSetupPort({
    store: rt.store,
    sync: rt.settingsSync,
    env: process.env,
    ...(connectorStatus ? { connectorStatus } : {}),
  });
}

export async function startApi(
  rt: Runtime,
  ready: () => boolean,
  demoKey?: { key: string; workspace: string },
  keyChanges?: KeyChanges,
  connectorStatus?: () => ConnectorStatus[],
): Promise<FastifyInstance> {
  const ports = ingestRoutePorts(rt);
  const setup = setupPortFor(rt, connectorStatus);
  const app = await buildApi({
    store: rt.store,
    config: rt.config,
    logger: rt.logger,
    ready,
    demoKey,
    rateLimitPerSecond: rt.settings.API_RATE_LIMIT_PER_S,
    cacheTtlMs: rt.settings.API_CACHE_TTL_MS,
    bodyLimitBytes: rt.settings.API_BODY_LIMIT_BYTES,
    engagementWeights: rt.settings.ENGAGEMENT_WEIGHTS,
    reportsBrowserPath: rt.settings.REPORTS_BROWSER_PATH,
    extraRoutes: apiExtraRoutes(ports),
    rootPlugins: [uiRoutes()],
    ...(keyChanges ? { keyChanges } : {}),
    ...(setup ? { setup } : {}),
  });
  try {
    await app.listen({ port: rt.settings.PORT, host: rt.settings.HOST });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * The demo workspace's key: EARSHOT_DEMO_API_KEY when set; otherwise one created on the first
 * start and kept next to the data (the embedded demo is a local, single-user setup).
 */
export async function demoApiKey(
  rt: Runtime,
  workspace: string,
): Promise<{ key: string; workspace: string; fixed: boolean }> {
  if (rt.settings.EARSHOT_DEMO_API_KEY)
    return { key: rt.settings.EARSHOT_DEMO_API_KEY, workspace, fixed: true };
  const file = join(dirname(rt.settings.CHDB_PATH), 'demo-api-key');
  const saved = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  const parsed = parseApiKey(saved);
  if (parsed) {
    const known = (await listApiKeys(rt.store)).find(
      (k) => k.key_id === parsed.id && !k.revoked && k.workspace === workspace,
    );
    if (known) return { key: saved, workspace, fixed: false };
  }
  const { key } = await createApiKey(rt.store, workspace, 'demo (created by earshot start)');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, workspace, fixed: false };
}

export interface ApiService extends Service {
  /** The port it listens on (the system's choice with PORT=0). */
  port(): number;
  /** The demo workspace's key it accepts, when it has one. */
  demoKey(): { key: string; workspace: string } | undefined;
}

/**
 * The api role. `ready` is the process's own "every service started" (the API's /readyz adds
 * a store probe). `demoKey: 'create'` is the embedded demo's: a key made on the first start.
 */
export function apiService(
  rt: Runtime,
  options: {
    ready: () => boolean;
    demoKey: 'create' | 'fixed';
    keyChanges?: KeyChanges;
    /** The source connectors' status in this process (Settings → Sources), when it runs them. */
    connectorStatus?: () => ConnectorStatus[];
  },
): ApiService {
  let app: FastifyInstance | null = null;
  let key: { key: string; workspace: string } | undefined;
  return {
    id: 'api',
    async start() {
      const workspace = rt.config().workspaces[0]!.id;
      if (options.demoKey === 'create') key = await demoApiKey(rt, workspace);
      else if (rt.settings.EARSHOT_DEMO_API_KEY)
        key = { key: rt.settings.EARSHOT_DEMO_API_KEY, workspace };
      app = await startApi(rt, options.ready, key, options.keyChanges, options.connectorStatus);
    },
    stop: async () => await app?.close(),
    port() {
      const address = app?.server.address();
      return typeof address === 'object' && address ? address.port : rt.settings.PORT;
    },
    demoKey: () => key,
  };
}
