import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { WorkspaceConfig } from '../../core/workspace-config.ts';
import { brandHealth } from '../../store/queries/brand-health.ts';
import type { ApiContext } from '../app.ts';
import { ApiError, parseInput } from '../errors.ts';
import { DurationSchema, resolveRange, TimeSchema } from '../time-params.ts';

const WorkspaceQuery = z.object({ workspace: z.string().max(64).optional() });

const HealthQuery = WorkspaceQuery.extend({
  from: TimeSchema.optional(),
  to: TimeSchema.optional(),
  interval: DurationSchema.optional(),
}).strict();

const BrandParams = z.object({ brand: z.string().min(1).max(64) });

export function brandRoutes(ctx: ApiContext): FastifyPluginAsync {
  const workspaceOf = (requested: string | undefined): WorkspaceConfig => {
    const workspaces = ctx.config().workspaces;
    const ws = requested === undefined ? workspaces[0] : workspaces.find((w) => w.id === requested);
    if (!ws) throw new ApiError(404, 'not_found', `no workspace "${requested}"`);
    return ws;
  };

  return (app) => {
    app.get('/brands', (request) => {
      const q = parseInput(WorkspaceQuery.strict(), request.query, 'query');
      const ws = workspaceOf(q.workspace);
      return {
        workspace: ws.id,
        brands: ws.brands.map((b) => ({
          id: b.id,
          name: b.name,
          query: b.query,
          competitors: b.competitors,
          color: b.color ?? null,
        })),
      };
    });

    app.get('/brands/:brand/health', async (request) => {
      const { brand } = parseInput(BrandParams, request.params, 'params');
      const q = parseInput(HealthQuery, request.query, 'query');
      const ws = workspaceOf(q.workspace);
      const config = ws.brands.find((b) => b.id === brand);
      if (!config)
        throw new ApiError(404, 'not_found', `no brand "${brand}" in workspace "${ws.id}"`);
      const range = resolveRange(q, ctx.now());
      if ('error' in range)
        throw new ApiError(400, 'invalid_parameter', range.error, [
          { parameter: range.parameter, message: range.error },
        ]);
      const health = await brandHealth(ctx.store, {
        workspace: ws.id,
        brand,
        from: range.from,
        to: range.to,
        intervalSeconds: range.intervalMs / 1000,
      });
      return {
        workspace: ws.id,
        brand,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        interval: `${range.intervalMs / 60_000}m`,
        ...health,
      };
    });
    return Promise.resolve();
  };
}
