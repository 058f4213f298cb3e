import { Option, type Command } from 'commander';
import { SENTIMENT_TIERS, type SentimentTier } from '../../enrich/sentiment/tiers.ts';

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
    .addOption(
      new Option(
        '--tier <tier>',
        'sentiment tier: fast (rules + linear model), accurate (multilingual encoder), auto (accurate while it keeps up)',
      )
        .choices(SENTIMENT_TIERS)
        .default('auto'),
    )
    .action(async (options: { config?: string; tier: SentimentTier }) => {
      const { runEnrich } = await import('./enrich-action.ts');
      await runEnrich(options);
    });
}
