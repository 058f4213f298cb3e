import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../app.ts';

export function systemRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    /** Liveness: the process answers. */
    app.get('/healthz', () => ({ status: 'ok' }));
    /** Readiness: the store answers and the app finished starting. */
    app.get('/readyz', async (_request, reply) => {
      if (!ctx.ready()) return reply.status(503).send({ status: 'starting' });
      await ctx.store.query('SELECT 1 AS ok');
      return { status: 'ready' };
    });
    return Promise.resolve();
  };
}
