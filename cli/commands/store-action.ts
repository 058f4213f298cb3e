import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { loadEarshotConfig, type EarshotConfig } from '../../core/workspace-config.ts';
import { openStore, type Store } from '../../store/index.ts';
import { migrate } from '../../store/migrate.ts';
import { AppSettingsSchema, configPath } from '../settings.ts';

/** For short CLI commands: open the configured store (migrated), run, close. */
export async function withStore(
  fn: (store: Store, config: EarshotConfig) => Promise<void>,
): Promise<void> {
  const settings = loadConfig(AppSettingsSchema, process.env);
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
