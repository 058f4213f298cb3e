import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('ingest')
    .description(
      'run one source connector once and print its normalized mentions as JSONL (no Kafka, no store)',
    )
    .argument(
      '<source>',
      'bluesky, mastodon, hackernews, reddit, rss or youtube (see `earshot sources`)',
    )
    .option(
      '--dry-run',
      'required for now: live ingestion runs inside `earshot start` / `earshot run ingest`',
    )
    .option('--config <file>', 'config file (default: $EARSHOT_CONFIG, else ./earshot.config.yaml)')
    .option(
      '--base-url <url>',
      'point every endpoint the source calls there (a replay or mirror; Bluesky: Jetstream and AppView, Reddit: API and token URL); for rss, the feed URL',
    )
    .option('--limit <n>', 'stop after this many mentions', '20')
    .option('--timeout <seconds>', 'stop after this long (streams never end by themselves)')
    .option(
      '--set <key=value>',
      'override a key of the source config; YAML value, repeatable',
      collect,
      [],
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 the poll completed; 1 usage or configuration error; 2 the source refused\n(401/403/404: credentials or config); 3 the source failed part-way (unavailable after\nretries, or an unreadable response, dead-lettered); mentions read before it are printed.',
    )
    .action(
      async (
        source: string,
        options: {
          dryRun?: boolean;
          config?: string;
          baseUrl?: string;
          limit: string;
          timeout?: string;
          set: string[];
        },
      ) => {
        const [
          { existsSync },
          { pino },
          { ConfigError },
          { loadEarshotConfig },
          { runDryRun },
          { CONFIG_RULES },
        ] = await Promise.all([
          import('node:fs'),
          import('pino'),
          import('../../core/errors.ts'),
          import('../../core/workspace-config.ts'),
          import('../../ingest/dry-run.ts'),
          import('../config-rules.ts'),
        ]);
        if (!options.dryRun) {
          throw new ConfigError(
            'only `--dry-run` is supported here; live ingestion runs in `earshot start`',
          );
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new ConfigError('--limit must be a positive integer');
        const timeout = options.timeout === undefined ? undefined : Number(options.timeout);
        if (timeout !== undefined && !(timeout > 0))
          throw new ConfigError('--timeout must be a positive number of seconds');
        const file =
          options.config ??
          process.env.EARSHOT_CONFIG ??
          (existsSync('earshot.config.yaml') ? 'earshot.config.yaml' : null);
        const sources = file ? loadEarshotConfig(file, CONFIG_RULES).sources : {};
        // stdout carries the JSONL; logs go to stderr.
        const logger = pino(
          { level: process.env.LOG_LEVEL ?? 'warn', base: undefined },
          pino.destination(2),
        );
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          const result = await runDryRun({
            source,
            sources,
            env: process.env,
            limit,
            ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
            ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
            set: options.set,
            out: (line) => process.stdout.write(`${line}\n`),
            err: (line) => process.stderr.write(`${line}\n`),
            logger,
            signal: controller.signal,
          });
          // One line whatever happened; a source failure sets the exit code (docs/sources.md).
          const reconnects = result.reconnects > 0 ? `, ${result.reconnects} reconnects` : '';
          const why = result.stoppedBy === 'done' ? '' : ` (stopped by ${result.stoppedBy})`;
          const stopped = result.failure ? `; stopped: ${result.failure.message}` : '';
          process.stderr.write(
            `${source}: ${result.produced} mentions, ${result.deadLettered} dead-lettered${reconnects}${why}${stopped}\n`,
          );
          if (result.failure) process.exitCode = result.failure.exitCode;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      },
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
