import type { KeyChanges } from '../../api/auth.ts';
import type { Service } from '../../core/runtime/services.ts';
import { drainService } from '../embedded.ts';
import { storedCursorsService } from '../stored-cursors.ts';
import type { Runtime } from '../runtime.ts';
import { alertsServices } from './alerts.ts';
import { apiService, type ApiService } from './api.ts';
import { enrichServices } from './enrich.ts';
import { ingestServices } from './ingest.ts';
import type { Role } from './names.ts';
import { sinkServices } from './sink.ts';

export { ROLES, type Role } from './names.ts';
export type { Runtime } from '../runtime.ts';
export { openRuntime, runtimeServices } from '../runtime.ts';
export { compileMatcher, enrichRunner, loadEnrichers } from './enrich.ts';
export { ingestPorts, runDemo, sourceFilter, startSourceConnectors } from './ingest.ts';
export { sinkRunners } from './sink.ts';
export { apiExtraRoutes, demoApiKey, setupPortFor, startApi, type ApiService } from './api.ts';

export interface RoleOptions {
  /** The process's "every service started": the API's readiness. */
  ready: () => boolean;
  /** Run the synthetic demo source with the ingest role. */
  demo: boolean;
  /** `earshot start`: drain the in-process bus before the stages stop, make a demo key. */
  embedded?: { drainTimeoutMs: number; keyChanges: KeyChanges };
}

/**
 * The services of the given roles, in start order. The order is the dependency order, and it
 * is the only place it is written (stops run in reverse): consumers start before what feeds
 * them — the sinks, then enrich — so on stop every producer stops first (the API and its
 * ingest route, the sources), then enrich, then the sinks store what enrich produced while
 * stopping. Listeners come last: they open once there is something behind them.
 */
export function roleServices(
  rt: Runtime,
  roles: readonly Role[],
  options: RoleOptions,
): { services: Service[]; api: ApiService | null } {
  const has = (r: Role) => roles.includes(r);
  const services: Service[] = [];
  if (has('sink')) services.push(...sinkServices(rt));
  if (has('enrich')) services.push(...enrichServices(rt));
  if (options.embedded) {
    // Stopped after the drain: the cursors of what it stored are written then.
    services.push(storedCursorsService(rt));
    services.push(drainService(rt, options.embedded.drainTimeoutMs));
  }
  if (has('alerts')) services.push(...alertsServices(rt));
  const ingest = has('ingest') ? ingestServices(rt, { demo: options.demo }) : null;
  if (ingest) services.push(...ingest.services);
  const api = has('api')
    ? apiService(rt, {
        ready: options.ready,
        ...(ingest ? { connectorStatus: ingest.connectorStatus } : {}),
        demoKey: options.embedded ? 'create' : 'fixed',
        ...(options.embedded ? { keyChanges: options.embedded.keyChanges } : {}),
      })
    : null;
  if (api) services.push(api);
  return { services, api };
}
