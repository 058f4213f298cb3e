import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { installErrorHandler } from './errors.ts';
import { brandRoutes } from './routes/brands.ts';
import { systemRoutes } from './routes/system.ts';

export interface ApiDependencies {
  store: Store;
  /** The current configuration (a getter: the file may be reloaded while we run). */
  config: () => EarshotConfig;
  logger: Logger;
  now?: () => Date;
  /** Readiness beyond "the process is up": e.g. migrations applied. */
  ready?: () => boolean;
}

export interface ApiContext extends Required<Omit<ApiDependencies, 'logger'>> {
  logger: Logger;
}

/** The HTTP API. Built without listening so tests call it in process (`app.inject`). */
export async function buildApi(deps: ApiDependencies): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'api' });
  const app = Fastify({ loggerInstance, disableRequestLogging: true });
  const ctx: ApiContext = { now: () => new Date(), ready: () => true, ...deps };
  installErrorHandler(app);
  await app.register(systemRoutes(ctx));
  await app.register(brandRoutes(ctx), { prefix: '/v1' });
  return app;
}
