import type { Command } from 'commander';

export function register(program: Command): void {
  const exp = program.command('export').description('write stored data out as files');
  exp
    .command('corrections')
    .description(
      'sentiment corrections as labelled data for retraining: JSONL of { text, lang, label, original_label, model, … }',
    )
    .option('--workspace <id>', 'only the corrections of this workspace')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: { workspace?: string; out?: string }) => {
      const { exportCorrections } = await import('./export-action.ts');
      await exportCorrections(options);
    });
}
