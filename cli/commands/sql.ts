import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('sql')
    .description('run a read-only SQL query against the store (writes are refused by the engine)')
    .argument('<query>', 'e.g. "SELECT brand, count() FROM brand_mentions GROUP BY brand"')
    .option('--json', 'print JSONL (one object per row) instead of a table')
    .action(async (query: string, options: { json?: boolean }) => {
      const { withStore } = await import('./store-action.ts');
      const { ConfigError } = await import('../../core/errors.ts');
      // A friendly early refusal; the engine's readonly=1 is the actual guarantee.
      if (!/^\s*(\(?\s*SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b/i.test(query)) {
        throw new ConfigError(
          'earshot sql runs read-only queries only (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN)',
        );
      }
      await withStore(async (store) => {
        try {
          process.stdout.write(
            await store.readOnlyQuery(
              query,
              options.json ? 'JSONEachRow' : 'PrettyCompactMonoBlock',
            ),
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new ConfigError(
            /READONLY/.test(message)
              ? 'refused: the query tries to write; earshot sql is read-only'
              : `query failed: ${message.split('\n')[0]}`,
          );
        }
      });
    });
}
