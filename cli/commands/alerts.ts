import type { Command } from 'commander';
import type { EarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';

/**
 * `earshot alerts backtest [--rule R] [--from T] [--to T] [--json]`: replay alert rules over
 * stored history and print the alerts they would have raised (progress bar on stderr).
 * `earshot alerts digest [--dry-run]`: compute (and send) the weekly digest now.
 */
export function register(program: Command): void {
  const alerts = program.command('alerts').description('alert rules: backtest, digest');
  alerts
    .command('backtest')
    .description('replay alert rules over stored history and print the alerts they would raise')
    .option('-r, --rule <id>', 'only this rule')
    .option('--from <time>', 'start: ISO 8601 or relative (now-7d)', 'now-7d')
    .option('--to <time>', 'end: ISO 8601 or relative', 'now')
    .option('--json', 'one JSON line per alert: brand, rule, window, opened time, numbers')
    .action(async (opts: { rule?: string; from: string; to: string; json?: boolean }) => {
      const [{ TimeSchema }, { backtest, backtestAlerts, formatBacktest }, { SingleBar, Presets }] =
        await Promise.all([
          import('../../api/time-params.ts'),
          import('../../alerts/backtest.ts'),
          import('cli-progress'),
        ]);
      const now = new Date();
      const from = TimeSchema.safeParse(opts.from);
      const to = TimeSchema.safeParse(opts.to);
      if (!from.success || !to.success) {
        process.stderr.write('earshot: --from/--to must be ISO 8601 or like now-7d\n');
        process.exitCode = 2;
        return;
      }
      await withStore(async (store, config) => {
        const bar = new SingleBar(
          {
            format: 'backtest [{bar}] {percentage}% | {value}/{total} evaluations',
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        let started = false;
        const results = await backtest(store, config, {
          ...(opts.rule !== undefined ? { ruleId: opts.rule } : {}),
          from: from.data(now),
          to: to.data(now),
          onProgress: (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        });
        if (started) bar.stop();
        if (opts.rule !== undefined && results.length === 0) {
          process.stderr.write(`earshot: no rule "${opts.rule}"\n`);
          process.exitCode = 2;
          return;
        }
        if (opts.json) {
          // One record per alert (docs/alerts.md, "Backtest records").
          for (const a of backtestAlerts(results)) process.stdout.write(`${JSON.stringify(a)}\n`);
        } else process.stdout.write(`${formatBacktest(results).join('\n')}\n`);
      });
    });
  alerts
    .command('digest')
    .description('compute the weekly digest of every workspace and send it to its channels')
    .action(async () => {
      const { runDigest } = await import('../../alerts/digest.ts');
      const { silentLogger } = await import('../../core/logger.ts');
      await withStore(async (store, config) => {
        const digests = await runDigest({
          store,
          config,
          logger: silentLogger(),
          env: process.env,
          now: new Date(),
        });
        process.stdout.write(`${JSON.stringify(digests, null, 2)}\n`);
      });
    });
}

async function withStore(
  fn: (store: Store, config: EarshotConfig) => Promise<void>,
): Promise<void> {
  const [{ loadConfig }, { openStore }, { migrate }, { AppSettingsSchema, configPath }, ws, rules] =
    await Promise.all([
      import('../../core/config.ts'),
      import('../../store/index.ts'),
      import('../../store/migrate.ts'),
      import('../settings.ts'),
      import('../../core/workspace-config.ts'),
      import('../config-rules.ts'),
    ]);
  const settings = loadConfig(AppSettingsSchema, process.env);
  const config = ws.loadEarshotConfig(configPath(settings), rules.CONFIG_RULES);
  const store = await openStore(settings);
  try {
    await migrate(store);
    await fn(store, config);
  } finally {
    await store.close();
  }
}
