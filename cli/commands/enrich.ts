import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('enrich')
    .description(
      'read mentions as JSONL on stdin, write enriched JSONL on stdout (same order, one line per line)',
    )
    .option(
      '-c, --config <file>',
      'earshot.config.yaml with watch queries: adds the matched brands',
    )
    .action(async (options: { config?: string }) => {
      const { runEnrich } = await import('./enrich-action.ts');
      await runEnrich(options);
    });
}
