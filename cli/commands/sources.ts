import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('sources')
    .description(
      'list every way mentions get in: the source connectors (and whether the config and environment can run them), the webhook and file import',
    )
    .option('--config <file>', 'config file (default: $EARSHOT_CONFIG, else ./earshot.config.yaml)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { config?: string; json?: boolean }) => {
      const [{ existsSync }, { loadEarshotConfig }, { listWaysIn }, { CONFIG_RULES }] =
        await Promise.all([
          import('node:fs'),
          import('../../core/workspace-config.ts'),
          import('../../ingest/ways-in.ts'),
          import('../config-rules.ts'),
        ]);
      const file =
        options.config ??
        (process.env.EARSHOT_CONFIG || null) ??
        (existsSync('earshot.config.yaml') ? 'earshot.config.yaml' : null);
      const sources = file ? loadEarshotConfig(file, CONFIG_RULES).sources : {};
      const list = listWaysIn(sources, process.env);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `config: ${file ?? '(none found)'}\n\nconnectors (sources: in the config):\n`,
      );
      for (const s of list) {
        if (s.kind === 'push' && s === list.find((x) => x.kind === 'push'))
          process.stdout.write('\npushed to earshot (no sources: section needed):\n');
        process.stdout.write(
          `${s.configured ? '✓' : '✗'} ${s.source.padEnd(11)} ${s.description}\n`,
        );
        for (const n of s.needs) process.stdout.write(`    needs: ${n}\n`);
        for (const u of s.uses) process.stdout.write(`    uses: ${u}\n`);
        if (s.refresh_after_ms.length > 0)
          process.stdout.write(
            `    engagement re-read ${s.refresh_after_ms.map(formatAge).join(', ')} after posting\n`,
          );
      }
      process.stdout.write('\nmore: docs/sources.md\n');
    });
}

/** 900000 → "15m", 3600000 → "1h", 86400000 → "24h", 172800000 → "2d". */
function formatAge(ms: number): string {
  const day = 86_400_000;
  const hour = 3_600_000;
  if (ms >= 2 * day && ms % day === 0) return `${ms / day}d`;
  if (ms % hour === 0) return `${ms / hour}h`;
  return `${Math.round(ms / 60_000)}m`;
}
