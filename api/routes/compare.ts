import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { compareBrands } from '../../store/queries/compare.ts';
import type { ApiContext } from '../app.ts';
import { CompareResponse } from '../contracts/compare.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { RangeQuery, rangeOf, Slug, timeZoneOf, workspaceOf } from '../params.ts';

/** `brands` and the range: the comparison's question, asked by its page and its downloads. */
export const CompareQuery = RangeQuery.extend({
  brands: z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((b) => b.trim())
          .filter((b) => b.length > 0),
      ),
    ])
    .pipe(z.array(Slug).min(1, 'name at least one brand').max(20, 'at most 20 brands'))
    .describe(
      'comma-separated brand ids, e.g. aurora,nimbus,zephyr; the first is the reference of the verdicts',
    ),
}).strict();

export function compareRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/compare',
        tag: 'compare',
        auth: true,
        summary:
          'Brands side by side: share of voice, sentiment and engagement per mention with 95 % intervals, over time, with a verdict per metric (vs the first brand and vs the previous period) and where the data starts',
        query: CompareQuery,
        response: CompareResponse,
        responses: {
          200: 'the brands side by side, and over time, with verdicts and where the data starts (schema: api/contracts/compare.ts)',
          400: 'a bad parameter',
          404: 'a brand not in your workspace',
        },
      },
      async (request, _reply, input) => {
        const q = input.query;
        const ws = workspaceOf(ctx, request.workspaceId);
        const brands = q.brands.map((id) => {
          const b = ws.brands.find((x) => x.id === id);
          if (!b) throw new ApiError(404, 'not_found', `no brand "${id}"`);
          return { id: b.id, name: b.name };
        });
        const range = rangeOf(q, ctx.now(), timeZoneOf(ws));
        const result = await ctx.cache.get(`${ws.id} ${request.url}`, () =>
          compareBrands(ctx.store, {
            workspace: ws.id,
            brands,
            from: range.from,
            to: range.to,
            intervalSeconds: range.intervalMs / 1000,
            calendar: range.calendar,
            weights: ctx.engagementWeights,
            now: range.now,
          }),
        );
        return {
          workspace: ws.id,
          from: range.from.toISOString(),
          to: range.to.toISOString(),
          interval: `${range.intervalMs / 60_000}m`,
          tz: range.tz,
          ...result,
        };
      },
    );
    return Promise.resolve();
  };
}
