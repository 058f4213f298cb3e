import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { lastCompletePeriod, ReportScheduleSchema } from '../../core/report-schedule.ts';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { workspaceChannelIds } from '../../alerts/channels.ts';
import { schedulesOf } from '../../reports/scheduled.ts';
import { deleteStoredSchedule, saveStoredSchedule } from '../../store/queries/report-schedules.ts';
import type { ApiContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { Slug, timeZoneOf, workspaceOf } from '../params.ts';

/**
 * Scheduled reports through the API: list a workspace's schedules (from the config file, made
 * here, and the weekly digest), create or replace one, delete one. The file's schedules are
 * read-only here (edit the file); sending happens in the process that runs alerts, every hour.
 */

const NoQuery = z.object({}).strict();
const IdParams = z.object({ id: Slug.describe('schedule id') });
const ScheduleBody = ReportScheduleSchema.omit({ id: true }).strict();

export function reportScheduleRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/report-schedules',
        tag: 'reports',
        auth: true,
        summary:
          "Your workspace's scheduled reports (config file, API, weekly digest) with the period each sends next",
        query: NoQuery,
        responses: { 200: '{ schedules: [{ id, every, brands, channels, pdf, origin, next }] }' },
      },
      async (request, _reply, input) => {
        void input.query;
        const ws = workspaceOf(ctx, request.workspaceId);
        const tz = timeZoneOf(ws);
        const now = ctx.now();
        const schedules = await schedulesOf(ctx.store, ctx.config(), ws);
        return {
          workspace: ws.id,
          timezone: tz,
          schedules: schedules.map((s) => {
            // The period that ends next: the one after the last complete one.
            const last = lastCompletePeriod(s.every, now, tz);
            return { ...s, last_complete_period: { from: last.from, to: last.to } };
          }),
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'PUT',
        url: '/report-schedules/:id',
        tag: 'reports',
        auth: true,
        summary: 'Create or replace a scheduled report of your workspace',
        params: IdParams,
        body: ScheduleBody,
        responses: {
          200: 'the schedule',
          400: 'an invalid schedule (unknown brand or channel named in details)',
          409: 'a schedule of the config file has this id',
        },
      },
      async (request, _reply, input) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const { id } = input.params;
        if ((ws.reports ?? []).some((r) => r.id === id) || id === 'digest')
          throw new ApiError(
            409,
            'conflict',
            `schedule "${id}" is defined in the configuration file: change it there`,
          );
        const body = input.body;
        const problems: Array<{ parameter: string; message: string }> = [];
        body.brands.forEach((b, i) => {
          if (!ws.brands.some((x) => x.id === b))
            problems.push({ parameter: `brands.${i}`, message: `no brand "${b}"` });
        });
        const channels = workspaceChannelIds(parseAlertsConfig(ctx.config()), ws.id);
        body.channels.forEach((c, i) => {
          if (!channels.has(c))
            problems.push({ parameter: `channels.${i}`, message: `unknown channel "${c}"` });
        });
        if (problems.length > 0)
          throw new ApiError(400, 'invalid_parameter', 'invalid schedule', problems);
        const schedule = ReportScheduleSchema.parse({ ...body, id });
        await saveStoredSchedule(ctx.store, ws.id, schedule, ctx.now());
        return { ...schedule, origin: 'api' };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'DELETE',
        url: '/report-schedules/:id',
        tag: 'reports',
        auth: true,
        summary: 'Delete a scheduled report made through the API',
        params: IdParams,
        responses: { 204: 'deleted', 404: 'no such schedule made through the API' },
      },
      async (request, reply, input) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const { id } = input.params;
        const own = await schedulesOf(ctx.store, ctx.config(), ws);
        if (!own.some((s) => s.id === id && s.origin === 'api'))
          throw new ApiError(404, 'not_found', `no schedule "${id}" made through the API`);
        await deleteStoredSchedule(ctx.store, ws.id, id, ctx.now());
        return reply.status(204).send();
      },
    );
    return Promise.resolve();
  };
}
