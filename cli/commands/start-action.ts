import { loadConfig } from '../../core/config.ts';
import { installShutdown, startOrUndo } from '../../core/lifecycle.ts';
import { createLogger } from '../../core/logger.ts';
import { startAlerting } from '../../alerts/index.ts';
import { scheduledReportsJob } from '../../reports/scheduler.ts';
import { KeyChanges } from '../../api/auth.ts';
import { startAdmin } from '../admin/server.ts';
import { startPipeline } from '../embedded.ts';
import { demoApiKey, openRuntime, runDemo, startApi, startSourceConnectors } from '../roles.ts';
import { AppSettingsSchema } from '../settings.ts';

/** `earshot start` / `npm start`: the embedded default, every role in this process. */
export async function runStart(options: { demo: boolean }): Promise<void> {
  const settings = loadConfig(AppSettingsSchema, {
    LOG_PRETTY: process.stdout.isTTY ? 'true' : 'false',
    ...process.env,
  });
  const logger = createLogger({
    name: 'earshot',
    level: settings.LOG_LEVEL,
    pretty: settings.LOG_PRETTY,
  });
  let ready = false;
  const demoEnabled = options.demo && settings.DEMO_ENABLED;
  const {
    rt,
    pipeline,
    sourcesAbort,
    demo,
    connectors,
    alerting,
    reports,
    workspace,
    key,
    api,
    admin,
  } = await startOrUndo(logger, async (onFailure) => {
    const rt = await openRuntime(settings, logger);
    onFailure('close store', async () => (rt.close(), await rt.store.close()));
    onFailure('close bus', () => rt.bus.close());
    const pipeline = await startPipeline(rt);
    onFailure('stop stages', () => pipeline.stop());
    const sourcesAbort = new AbortController();
    const demo = demoEnabled ? runDemo(rt, sourcesAbort.signal) : Promise.resolve();
    const connectors = startSourceConnectors(rt, sourcesAbort.signal);
    onFailure(
      'stop sources',
      async () => (sourcesAbort.abort(), await Promise.allSettled([demo, connectors.stop()])),
    );
    const reports = scheduledReportsJob({
      store: rt.store,
      config: rt.config,
      logger,
      browserPath: settings.REPORTS_BROWSER_PATH,
      publicUrl: settings.REPORTS_PUBLIC_URL,
      weights: settings.ENGAGEMENT_WEIGHTS,
    });
    const alerting = startAlerting({
      store: rt.store,
      config: rt.config,
      logger,
      scheduledReports: reports.run,
    });
    onFailure('stop alert schedules', async () => (await alerting.stop(), await reports.close()));
    const workspace = rt.config().workspaces[0]!.id;
    const key = await demoApiKey(rt, workspace);
    const keyChanges = new KeyChanges();
    const api = await startApi(rt, () => ready, key, keyChanges);
    onFailure('close api', () => api.close());
    // keys, sql and import from the CLI while we hold the embedded store (cli/admin/).
    const admin = await startAdmin(rt, pipeline, keyChanges);
    return {
      rt,
      pipeline,
      sourcesAbort,
      demo,
      connectors,
      alerting,
      reports,
      workspace,
      key,
      api,
      admin,
    };
  });
  ready = true;

  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.PORT;
  const url = `http://${settings.HOST === '0.0.0.0' ? '127.0.0.1' : settings.HOST}:${port}`;
  // Where the data lives, without credentials (the URL's user/password are settings apart).
  const store =
    rt.store.kind === 'chdb'
      ? settings.CHDB_PATH
      : `${settings.CLICKHOUSE_URL ?? ''} database ${rt.store.database}`;
  logger.info(
    { event: 'started', url, config: rt.configFile, store, demo: demoEnabled },
    `earshot is running at ${url}`,
  );
  process.stdout.write(
    [
      '',
      `  earshot is running at ${url}`,
      `  open the dashboard:    ${url}/#key=${key.key}`,
      `  API key (${workspace}):   ${key.key}`,
      `  try: curl -H 'Authorization: Bearer ${key.key}' '${url}/v1/brands'`,
      `  API docs:              ${url}/docs`,
      `  data:                  ${store}`,
      '',
      '',
    ].join('\n'),
  );

  const { shutdown } = installShutdown(
    () => [
      { name: 'not ready', run: () => Promise.resolve((ready = false)) },
      {
        name: 'stop alert schedules',
        run: async () => (await alerting.stop(), await reports.close()),
      },
      {
        name: 'stop sources',
        run: async () => (sourcesAbort.abort(), await Promise.all([demo, connectors.stop()])),
      },
      // Before the drain: what the admin endpoint accepted (an import's batches) gets stored.
      { name: 'stop admin endpoint', run: async () => await admin?.close() },
      { name: 'drain pipeline', run: () => pipeline.drain(settings.SHUTDOWN_TIMEOUT_S * 500) },
      { name: 'stop api', run: () => api.close() },
      { name: 'stop stages', run: () => pipeline.stop() },
      { name: 'close bus', run: () => rt.bus.close() },
      { name: 'close store', run: async () => (rt.close(), await rt.store.close()) },
    ],
    logger,
    settings.SHUTDOWN_TIMEOUT_S * 1000,
  );
  demo.catch(async (error: unknown) => {
    logger.error({ event: 'demo_failed', err: error });
    process.exitCode = 1;
    await shutdown('demo source failed', { failure: true });
  });
  pipeline.failed.catch(async () => {
    process.exitCode = 1;
    await shutdown('a stage failed', { failure: true });
  });
}
