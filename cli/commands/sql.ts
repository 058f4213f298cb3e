import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('sql')
    .description(
      'run one read-only SQL query against the store (SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN; nothing that writes or reads outside the database)',
    )
    .argument('<query>', 'e.g. "SELECT brand, count() FROM brand_mentions GROUP BY brand"')
    .option('--json', 'print JSONL (one object per row) instead of a table')
    .action(async (query: string, options: { json?: boolean }) => {
      const { runSql } = await import('./sql-action.ts');
      await runSql(query, options);
    });
}
