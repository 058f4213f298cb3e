import { loadConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { loadEarshotConfig, type EarshotConfig } from '../../core/workspace-config.ts';
import { openStore, type Store } from '../../store/index.ts';
import { migrate } from '../../store/migrate.ts';
import { connectRunning, type AdminClient } from '../admin/client.ts';
import { AppSettingsSchema, configPath } from '../settings.ts';

/**
 * For short CLI commands: open the configured store (migrated), run, close. When a running
 * `earshot start` holds the embedded store, a command that can (`remote`) goes through its
 * admin endpoint instead; any other says in one sentence why it cannot run now.
 */
export async function withStore(
  fn: (store: Store, config: EarshotConfig) => Promise<void>,
  options: { remote?: (admin: AdminClient) => Promise<void> } = {},
): Promise<void> {
  const settings = loadConfig(AppSettingsSchema, process.env);
  const admin = await connectRunning(settings);
  if (admin) {
    if (options.remote) return options.remote(admin);
    throw new ConfigError(
      `earshot start (pid ${admin.descriptor.pid}) is using ${settings.CHDB_PATH}; stop it to run this command (keys, sql and import work while it runs)`,
    );
  }
  const logger = createLogger({
    name: 'earshot',
    level: settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL,
  });
  const config = loadEarshotConfig(configPath(settings));
  const store = await openStore(settings);
  try {
    await migrate(store, logger);
    await fn(store, config);
  } finally {
    await store.close();
  }
}
