import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { startProcess } from '../process.ts';
import { ROLES, type Role } from '../roles/names.ts';
import { AppSettingsSchema } from '../settings.ts';

/** `earshot run <roles…>`: the production entry point, configured by env vars only. */
export async function runRoles(roles: Role[]): Promise<void> {
  const settings = loadConfig(AppSettingsSchema, process.env);
  const logger = createLogger({
    name: `earshot-${roles.join('+')}`,
    level: settings.LOG_LEVEL,
    pretty: settings.LOG_PRETTY,
  });
  if (settings.EARSHOT_BUS === 'memory' && new Set(roles).size < ROLES.length) {
    logger.warn(
      { event: 'memory_bus_partial' },
      'EARSHOT_BUS=memory with only some roles: the others cannot reach this process; use kafka or `earshot start`',
    );
  }
  const { rt } = await startProcess(settings, logger, roles, {
    embedded: false,
    demo: roles.includes('ingest') && settings.DEMO_ENABLED,
  });
  logger.info({ event: 'started', roles, bus: rt.bus.kind, store: rt.store.kind });
}
