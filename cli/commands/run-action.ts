import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../core/config.ts';
import { describeError } from '../../core/errors.ts';
import { installShutdown, startOrUndo, type ShutdownStep } from '../../core/lifecycle.ts';
import { createLogger } from '../../core/logger.ts';
import { startAlerting } from '../../alerts/index.ts';
import { scheduledReportsJob } from '../../reports/scheduler.ts';
import {
  createEnrichRole,
  openRuntime,
  runDemo,
  sinkRunners,
  startApi,
  startSourceConnectors,
  type RoleHandle,
} from '../roles.ts';
import { AppSettingsSchema } from '../settings.ts';
import type { Role } from './run.ts';

/** `earshot run <roles…>`: the production entry point, configured by env vars only. */
export async function runRoles(roles: Role[]): Promise<void> {
  const settings = loadConfig(AppSettingsSchema, process.env);
  const logger = createLogger({
    name: `earshot-${roles.join('+')}`,
    level: settings.LOG_LEVEL,
    pretty: settings.LOG_PRETTY,
  });
  let ready = false;
  const { rt, runners, ingestAbort, ingest, connectors, alerting, reports, api } =
    await startOrUndo(logger, async (onFailure) => {
      const rt = await openRuntime(settings, logger);
      onFailure('close store', async () => (rt.close(), await rt.store.close()));
      onFailure('close bus', () => rt.bus.close());
      if (rt.bus.kind === 'memory' && roles.length < ROLE_COUNT) {
        logger.warn(
          { event: 'memory_bus_partial' },
          'EARSHOT_BUS=memory with only some roles: the others cannot reach this process; use kafka or `earshot start`',
        );
      }
      const runners: RoleHandle[] = [];
      onFailure('stop stages', () => Promise.all(runners.map((r) => r.stop())));
      if (roles.includes('sink')) runners.push(...sinkRunners(rt));
      if (roles.includes('enrich')) runners.push(await createEnrichRole(rt));
      const ingestAbort = new AbortController();
      const ingest =
        roles.includes('ingest') && settings.DEMO_ENABLED
          ? runDemo(rt, ingestAbort.signal)
          : Promise.resolve();
      const connectors = roles.includes('ingest')
        ? startSourceConnectors(rt, ingestAbort.signal)
        : null;
      onFailure(
        'stop ingest',
        async () => (ingestAbort.abort(), await Promise.allSettled([ingest, connectors?.stop()])),
      );
      const reports = roles.includes('alerts')
        ? scheduledReportsJob({
            store: rt.store,
            config: rt.config,
            logger,
            browserPath: settings.REPORTS_BROWSER_PATH,
            publicUrl: settings.REPORTS_PUBLIC_URL,
            weights: settings.ENGAGEMENT_WEIGHTS,
          })
        : null;
      const alerting = roles.includes('alerts')
        ? startAlerting({
            store: rt.store,
            config: rt.config,
            logger,
            ...(reports ? { scheduledReports: reports.run } : {}),
          })
        : null;
      onFailure(
        'stop alert schedules',
        async () => (await alerting?.stop(), await reports?.close()),
      );
      let api: FastifyInstance | null = null;
      const demoKey = settings.EARSHOT_DEMO_API_KEY
        ? { key: settings.EARSHOT_DEMO_API_KEY, workspace: rt.config().workspaces[0]!.id }
        : undefined;
      if (roles.includes('api')) api = await startApi(rt, () => ready, demoKey);
      return { rt, runners, ingestAbort, ingest, connectors, alerting, reports, api };
    });
  ready = true;

  const { shutdown } = installShutdown(
    (): ShutdownStep[] => [
      { name: 'not ready', run: () => Promise.resolve((ready = false)) },
      {
        name: 'stop alert schedules',
        run: async () => (await alerting?.stop(), await reports?.close()),
      },
      { name: 'stop api', run: () => api?.close() ?? Promise.resolve() },
      {
        name: 'stop ingest',
        run: async () => (ingestAbort.abort(), await Promise.all([ingest, connectors?.stop()])),
      },
      { name: 'stop stages', run: () => Promise.all(runners.map((r) => r.stop())) },
      { name: 'close bus', run: () => rt.bus.close() },
      { name: 'close store', run: async () => (rt.close(), await rt.store.close()) },
    ],
    logger,
    settings.SHUTDOWN_TIMEOUT_S * 1000,
  );
  const fail = (what: string) => (error: unknown) => {
    logger.error({ event: 'role_failed', role: what, err: describeError(error) });
    process.exitCode = 1;
    void shutdown(`${what} failed`, { failure: true });
  };
  for (const r of runners) r.run().catch(fail('stage'));
  ingest.catch(fail('ingest'));
  logger.info({ event: 'started', roles, bus: rt.bus.kind, store: rt.store.kind });
}

const ROLE_COUNT = 5;
