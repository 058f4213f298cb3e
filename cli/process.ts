import { KeyChanges } from '../api/auth.ts';
import type { Logger } from '../core/logger.ts';
import { opsService } from '../core/runtime/ops-server.ts';
import { ServiceSet, type RunningServices, type Service } from '../core/runtime/services.ts';
import { adminService } from './admin/server.ts';
import { roleServices, type ApiService } from './roles/index.ts';
import type { Role } from './roles/names.ts';
import { runtimeServices, type Runtime } from './runtime.ts';
import { DEFAULT_OPS_PORT, type AppSettings } from './settings.ts';

/**
 * One earshot process, for `earshot start` and `earshot run <role…>` alike: the ops port, the
 * runtime (store, bus, config watch), the roles' services, and for `start` the admin endpoint,
 * started in that order by `runServices` and stopped in the reverse one.
 */
export async function startProcess(
  settings: AppSettings,
  logger: Logger,
  roles: readonly Role[],
  options: { embedded: boolean; demo: boolean },
): Promise<{ running: RunningServices; rt: Runtime; api: ApiService | null }> {
  const set = new ServiceSet({ logger, shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_S * 1000 });
  const { rt, services: runtime } = runtimeServices(settings, logger);
  const keyChanges = new KeyChanges();
  const { services: roleList, api } = roleServices(rt, roles, {
    ready: () => set.started(),
    demo: options.demo,
    ...(options.embedded
      ? { embedded: { drainTimeoutMs: settings.SHUTDOWN_TIMEOUT_S * 500, keyChanges } }
      : {}),
  });
  const services: Service[] = [];
  // `earshot start` serves health, readiness and metrics on its API port; an ops port of its
  // own only when asked for. Every `earshot run` process has one.
  const opsPort = options.embedded ? settings.OPS_PORT : (settings.OPS_PORT ?? DEFAULT_OPS_PORT);
  if (opsPort !== undefined)
    services.push(
      opsService({ port: opsPort, host: settings.HOST, health: () => set.health(), logger }),
    );
  services.push(...runtime, ...roleList);
  // keys, sql and import from the CLI while we hold the embedded store (cli/admin/).
  if (options.embedded) services.push(adminService(rt, keyChanges));
  const running = await set.run(services);
  return { running, rt, api };
}
