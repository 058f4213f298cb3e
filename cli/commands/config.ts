import type { Command } from 'commander';

export function register(program: Command): void {
  const config = program
    .command('config')
    .description('the configuration in force: earshot.config.yaml and what the API stored');
  config
    .command('export')
    .description(
      'write the merged configuration (the file, plus brands, sources and alert rules made in the dashboard or API) as YAML that earshot start accepts',
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: { output?: string }) => {
      const [{ writeFileSync }, { readFileSync }, { parse }, { withStore }, settings, exp] =
        await Promise.all([
          import('node:fs'),
          import('node:fs'),
          import('yaml'),
          import('./store-action.ts'),
          import('../settings.ts'),
          import('../config-export.ts'),
        ]);
      const { loadConfig } = await import('../../core/config.ts');
      const { loadEarshotConfig } = await import('../../core/workspace-config.ts');
      const { CONFIG_RULES } = await import('../config-rules.ts');
      const { listSettings, parseSettingRows, SETTINGS_SQL } =
        await import('../../store/queries/settings.ts');
      const app = loadConfig(settings.AppSettingsSchema, process.env);
      const path = settings.configPath(app);
      const file = loadEarshotConfig(path, CONFIG_RULES);
      const raw = parse(readFileSync(path, 'utf8')) as { alerts?: unknown } | null;
      const write = (text: string) => {
        if (options.output) {
          writeFileSync(options.output, text);
          process.stderr.write(`wrote ${options.output}\n`);
        } else process.stdout.write(text);
      };
      const { listStoredRules } = await import('../../store/queries/alerts-store.ts');
      await withStore(
        async (store) =>
          write(
            exp.exportConfig(
              file,
              await listSettings(store),
              raw?.alerts,
              await listStoredRules(store),
            ),
          ),
        {
          // While earshot start holds the embedded store: read the items through it.
          remote: async (admin) => {
            const rowsOf = async (sql: string) =>
              (await admin.sql(sql, 'JSONEachRow'))
                .split('\n')
                .filter((l) => l.trim().length > 0)
                .map((l) => JSON.parse(l) as Record<string, unknown>);
            write(
              exp.exportConfig(
                file,
                parseSettingRows(await rowsOf(SETTINGS_SQL)),
                raw?.alerts,
                exp.parseStoredRuleRows(await rowsOf(exp.STORED_RULES_SQL)),
              ),
            );
          },
        },
      );
    });
}
