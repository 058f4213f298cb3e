import type { Command } from 'commander';
import type { EarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';

/**
 * `earshot alerts backtest [--rule R] [--from T] [--to T] [--json]`: replay alert rules over
 * stored history and print the alerts they would have raised (progress bar on stderr).
 * `earshot alerts digest [--dry-run]`: send last week's digest now (the `digest` scheduled report,
 * reports/scheduled.ts), unless it was sent already; `--dry-run` prints it and sends nothing.
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
    .description(
      "send last week's digest of every workspace whose alert channels take it (alerts.digest): the weekly scheduled report, once per week",
    )
    .option('--dry-run', 'print what would be sent, and to which channels; send nothing')
    .action(async (opts: { dryRun?: boolean }) => {
      const [{ runScheduledReports }, { printingApi }, { silentLogger }, { AppSettingsSchema }] =
        await Promise.all([
          import('../../reports/scheduled.ts'),
          import('../../api/printing.ts'),
          import('../../core/logger.ts'),
          import('../settings.ts'),
        ]);
      const { loadConfig } = await import('../../core/config.ts');
      const settings = loadConfig(AppSettingsSchema, process.env);
      await withStore(async (store, config) => {
        // The digest is the `digest` scheduled report (reports/scheduled.ts): the same message,
        // PDF and channels as the hourly job sends, and the same record of what was sent, so
        // this command and the job never send one week twice.
        const printing = opts.dryRun
          ? null
          : await printingApi({
              store,
              config: () => config,
              logger: silentLogger(),
              browserPath: settings.REPORTS_BROWSER_PATH,
              weights: settings.ENGAGEMENT_WEIGHTS,
            });
        try {
          const results = [];
          for (const ws of config.workspaces)
            results.push(
              ...(await runScheduledReports({
                store,
                config,
                logger: silentLogger(),
                env: process.env,
                now: new Date(),
                printer: printing?.printer ?? noPrinter,
                only: { workspace: ws.id, id: 'digest' },
                ...(settings.REPORTS_PUBLIC_URL ? { publicUrl: settings.REPORTS_PUBLIC_URL } : {}),
                ...(opts.dryRun ? { dryRun: true } : {}),
              })),
            );
          if (results.length === 0)
            process.stderr.write(
              "earshot: no digest to send: it is off (alerts.digest), no channel takes it, or last week's was sent already\n",
            );
          process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
          if (results.some((r) => r.deliveries.some((d) => d.status !== 'delivered')))
            process.exitCode = 1;
        } finally {
          await printing?.close();
        }
      });
    });
}

/** A dry run prints nothing: a printer that is never called. */
const noPrinter = {
  browserPath: '',
  pdf: () => Promise.reject(new Error('a dry run prints no report')),
};

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
