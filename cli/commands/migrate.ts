import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply pending store migrations (store from EARSHOT_STORE / CHDB_PATH / CLICKHOUSE_URL)',
    )
    .action(async () => {
      const [{ loadConfig }, { createLogger }, { openStore }, { migrate }, { AppSettingsSchema }] =
        await Promise.all([
          import('../../core/config.ts'),
          import('../../core/logger.ts'),
          import('../../store/index.ts'),
          import('../../store/migrate.ts'),
          import('../settings.ts'),
        ]);
      const settings = loadConfig(AppSettingsSchema, process.env);
      const logger = createLogger({
        name: 'earshot',
        level: settings.LOG_LEVEL,
        pretty: settings.LOG_PRETTY,
      });
      const store = await openStore(settings);
      try {
        const applied = await migrate(store, logger);
        process.stdout.write(
          applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'store is up to date\n',
        );
      } finally {
        await store.close();
      }
    });
}
