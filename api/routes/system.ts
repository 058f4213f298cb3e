import type { FastifyPluginAsync } from 'fastify';
import { registry } from '../../core/metrics.ts';
import type { ApiContext } from '../app.ts';
import { docsPage, openApiDocument, route } from '../openapi.ts';

export function systemRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/healthz',
        tag: 'operations',
        summary: 'Liveness: the process answers',
        responses: { 200: '{ status: "ok" }' },
      },
      () => ({ status: 'ok' }),
    );
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/readyz',
        tag: 'operations',
        summary: 'Readiness: started, and the store answers',
        responses: { 200: '{ status: "ready" }', 503: 'starting or the store is down' },
      },
      async (_request, reply) => {
        if (!ctx.ready()) return reply.status(503).send({ status: 'starting' });
        await ctx.store.query('SELECT 1 AS ok');
        return { status: 'ready' };
      },
    );
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/metrics',
        tag: 'operations',
        summary: 'Prometheus metrics',
        responses: { 200: 'text/plain exposition format' },
        produces: 'text/plain',
      },
      async (_request, reply) => {
        void reply.header('Content-Type', registry.contentType);
        return registry.metrics();
      },
    );
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/openapi.json',
        tag: 'operations',
        summary: 'This API as OpenAPI 3.1',
        responses: { 200: 'the OpenAPI document' },
      },
      () => openApiDocument(ctx.routes, ctx.version),
    );
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/docs',
        tag: 'operations',
        summary: 'A readable page of this API',
        responses: { 200: 'text/html' },
        produces: 'text/html',
      },
      (_request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(docsPage(openApiDocument(ctx.routes, ctx.version))),
    );
    return Promise.resolve();
  };
}
