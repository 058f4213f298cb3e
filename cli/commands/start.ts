import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'run everything in one process: demo source, enrichment, store (chdb in ./data), API and UI',
    )
    .option('--no-demo', 'do not run the synthetic demo source')
    .action(async (options: { demo: boolean }) => {
      const { runStart } = await import('./start-action.ts');
      await runStart({ demo: options.demo });
    });
}
