import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { brandHealth } from '../../store/queries/brand-health.ts';
import { decodeCursor, mentionFeed, topAuthors } from '../../store/queries/mentions.ts';
import { brandTopics } from '../../store/queries/topics.ts';
import type { ApiContext } from '../app.ts';
import { AuthorsResponse, BrandsResponse, TopicsResponse } from '../contracts/brands.ts';
import { HealthResponse } from '../contracts/health.ts';
import { MentionsResponse } from '../contracts/mentions.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { brandView } from './setup.ts';
import {
  BrandParams,
  brandScope,
  FilterQuery,
  MentionFilterQuery,
  mentionFilters,
  RangeQuery,
  timeZoneOf,
  workspaceOf,
} from '../params.ts';

const NoQuery = z.object({}).strict();

const HealthQuery = RangeQuery.extend(FilterQuery.shape).strict();

const TopicsQuery = RangeQuery.extend(FilterQuery.shape)
  .extend({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('topics per list (default 10)'),
    min_volume: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(5)
      .describe('minimum mentions for a trending topic'),
  })
  .strict();

const MentionsQuery = RangeQuery.extend(FilterQuery.shape)
  .extend(MentionFilterQuery.shape)
  .extend({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(200)
      .default(50)
      .describe('mentions per page (≤ 200)'),
    sort: z
      .enum(['newest', 'engagement'])
      .default('newest')
      .describe('newest first, or most engaged (likes + reposts + replies, as now) first'),
    cursor: z.string().max(512).optional().describe('next_cursor of the previous page'),
  })
  .strict();

const AuthorsQuery = RangeQuery.extend(FilterQuery.shape)
  .extend({
    limit: z.coerce.number().int().min(1).max(200).default(20).describe('authors (≤ 200)'),
  })
  .strict();

export function brandRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/brands',
        tag: 'brands',
        auth: true,
        summary: 'Brands of your workspace with their watch queries and competitors',
        query: NoQuery,
        response: BrandsResponse,
        responses: {
          200: '{ workspace, name, timezone, brands: [{ id, name, query, competitors, color, owned, origin }] }',
          401: 'no or invalid key',
        },
      },
      (request, _reply, input) => {
        void input.query; // no parameters: an unknown one is a 400, not ignored
        const ws = workspaceOf(ctx, request.workspaceId);
        return {
          workspace: ws.id,
          name: ws.name,
          timezone: timeZoneOf(ws),
          brands: ws.brands.map((b) => brandView(ctx.setup, ws.id, b)),
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/brands/:brand/health',
        tag: 'brands',
        auth: true,
        summary:
          'Volume and sentiment over time, totals, change vs the previous period, source and language mix',
        params: BrandParams,
        query: HealthQuery,
        response: HealthResponse,
        responses: {
          200: 'series, totals, the previous period, change and mix (schema: api/contracts/health.ts)',
          400: 'a bad parameter (named in details)',
          404: 'no such brand in your workspace',
        },
      },
      async (request, _reply, input) => {
        const { ws, brand, q, range } = brandScope(ctx, request.workspaceId, input);
        const health = await ctx.cache.get(`${ws.id} ${request.url}`, () =>
          brandHealth(ctx.store, {
            workspace: ws.id,
            brand,
            from: range.from,
            to: range.to,
            intervalSeconds: range.intervalMs / 1000,
            calendar: range.calendar,
            source: q.source,
            lang: q.lang,
            weights: ctx.engagementWeights,
            now: range.now,
          }),
        );
        return {
          workspace: ws.id,
          brand,
          from: range.from.toISOString(),
          to: range.to.toISOString(),
          interval: `${range.intervalMs / 60_000}m`,
          tz: range.tz,
          ...health,
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/brands/:brand/topics',
        tag: 'brands',
        auth: true,
        summary:
          'Top topics of the period and trending ones (growth vs the previous period, with a minimum volume)',
        params: BrandParams,
        query: TopicsQuery,
        response: TopicsResponse,
        responses: {
          200: '{ top: [{ id, label, volume, negative_share }], trending: [{ id, label, volume, previous_volume, growth }] }',
          400: 'a bad parameter',
          404: 'no such brand',
        },
      },
      async (request, _reply, input) => {
        const { ws, brand, q, range } = brandScope(ctx, request.workspaceId, input);
        const topics = await ctx.cache.get(`${ws.id} ${request.url}`, () =>
          brandTopics(ctx.store, mentionFilters(ws.id, brand, range, q), {
            limit: q.limit,
            minVolume: q.min_volume,
            now: range.now,
          }),
        );
        return {
          workspace: ws.id,
          brand,
          from: range.from.toISOString(),
          to: range.to.toISOString(),
          ...topics,
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/brands/:brand/mentions',
        tag: 'brands',
        auth: true,
        summary:
          'The mentions behind the numbers, newest first, each with its sentiment explanation; cursor pagination',
        params: BrandParams,
        query: MentionsQuery,
        response: MentionsResponse,
        responses: {
          200: 'one page of mentions and the next cursor (schema: api/contracts/mentions.ts)',
          400: 'a bad parameter or cursor',
          404: 'no such brand',
        },
      },
      async (request, _reply, input) => {
        const { ws, brand, q, range } = brandScope(ctx, request.workspaceId, input);
        const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor);
        if (q.cursor !== undefined && cursor === null) {
          throw new ApiError(400, 'invalid_parameter', 'invalid query parameter: cursor', [
            { parameter: 'cursor', message: 'not a cursor this API issued' },
          ]);
        }
        if (cursor !== null && (cursor.e !== undefined) !== (q.sort === 'engagement')) {
          throw new ApiError(400, 'invalid_parameter', 'invalid query parameter: cursor', [
            {
              parameter: 'cursor',
              message: `not a cursor of sort=${q.sort}: keep the sort of the first page`,
            },
          ]);
        }
        return mentionFeed(ctx.store, mentionFilters(ws.id, brand, range, q), {
          limit: q.limit,
          cursor,
          sort: q.sort,
        });
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/brands/:brand/authors',
        tag: 'brands',
        auth: true,
        summary: 'Top authors by engagement',
        params: BrandParams,
        query: AuthorsQuery,
        response: AuthorsResponse,
        responses: {
          200: '{ authors: [{ author_id, handle, display_name, followers, mentions, engagement, negative_share }] }',
          404: 'no such brand',
        },
      },
      async (request, _reply, input) => {
        const { ws, brand, q, range } = brandScope(ctx, request.workspaceId, input);
        const authors = await topAuthors(
          ctx.store,
          mentionFilters(ws.id, brand, range, q),
          q.limit,
        );
        return { workspace: ws.id, brand, authors };
      },
    );
    return Promise.resolve();
  };
}
