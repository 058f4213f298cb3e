import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('import')
    .description(
      'load mentions from a JSONL or CSV file through the pipeline (enrich → store); for historical backfill',
    )
    .argument('<file>', 'a .jsonl file (one Mention per line) or a .csv file')
    .option('--format <format>', 'jsonl or csv (default: from the file extension)')
    .option('--map <mapping>', 'CSV columns, e.g. "text=body,created_at=date,author.handle=user"')
    .option('--source <name>', 'source name for mentions without one', 'file')
    .option(
      '--workspace <id>',
      "the workspace's own data (as its webhook): ids in its namespace, matched against its brands only",
    )
    .action(
      async (
        file: string,
        options: { format?: 'jsonl' | 'csv'; map?: string; source: string; workspace?: string },
      ) => {
        const { runImport } = await import('./import-action.ts');
        await runImport(file, options);
      },
    );
}
