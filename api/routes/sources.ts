import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { saveSetting } from '../../store/queries/settings.ts';
import type { ApiContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { Slug, workspaceOf } from '../params.ts';
import { setupPortOf } from './setup.ts';

/**
 * The sources a workspace sees and configures: those of earshot.config.yaml (read-only here,
 * every workspace's brands are matched against them) and those it stored itself, each with its
 * state as `earshot sources` tells it (configured, what it still needs) plus, from the process
 * that runs the connectors, whether it runs, its last error and its last fetch. Options carry
 * credentials only by the name of the env var that holds them, as in the file. A source runs
 * once per process, so a source another workspace stored first cannot be stored again; the
 * answer (409 source_unavailable) says only that, the same whoever holds it: never which
 * workspace, its options, its state or its errors. Tenancy is a wall: even that another
 * workspace exists is not for this one to learn.
 */

const SourceParams = z.object({ source: Slug.describe('a source from GET /v1/sources') });

const SourceBody = z
  .object({
    options: z
      .record(z.string(), z.unknown())
      .describe(
        'the options of `sources.<source>` in earshot.config.yaml (docs/sources.md); credentials as env var names',
      ),
  })
  .strict();

/**
 * A source this workspace cannot configure because it already runs in this process for someone
 * else. Worded so it holds nothing of that someone: the source's name is the caller's own.
 */
function unavailable(source: string): ApiError {
  return new ApiError(
    409,
    'source_unavailable',
    `source "${source}" cannot be configured from your workspace: a source runs once per earshot process, and this one is not free; the operator can set it in earshot.config.yaml`,
  );
}

export function sourceRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/sources',
        tag: 'setup',
        auth: true,
        summary:
          'Every source and its state: origin (config, api or none), options, configured, needs, state, last error, last fetch',
        responses: {
          200: '{ workspace, sources: [{ source, description, origin, options, configured, needs, state, last_error, last_fetch }] }',
        },
      },
      async (request) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const merged = setup.merged();
        // The file's sources and this workspace's own: another workspace's options stay its own.
        const visible: Record<string, unknown> = {};
        const origin = new Map<string, 'config' | 'api'>();
        for (const [name, options] of Object.entries(merged.config.sources)) {
          const owner = merged.storedSources.get(name);
          if (owner === undefined) origin.set(name, 'config');
          else if (owner === ws.id) origin.set(name, 'api');
          else continue;
          visible[name] = options;
        }
        const states = await setup.sourceStates(visible);
        return {
          workspace: ws.id,
          sources: states.map((s) => ({
            ...s,
            origin: origin.get(s.source) ?? null,
            options: visible[s.source] ?? null,
            // Runtime state only for what this workspace can see running.
            state: origin.has(s.source) ? s.state : null,
            last_error: origin.has(s.source) ? s.last_error : null,
            last_fetch: origin.has(s.source) ? s.last_fetch : null,
          })),
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'PUT',
        url: '/sources/:source',
        tag: 'setup',
        auth: true,
        summary:
          'Configure a source for your workspace (its options as in earshot.config.yaml); the connectors restart with it. Admin key.',
        params: SourceParams,
        body: SourceBody,
        responses: {
          200: '{ source, options, origin: "api" } (replaced)',
          201: 'created',
          400: 'a bad option: details name its path (options.<key>)',
          404: 'no such source',
          409: 'defined in earshot.config.yaml (defined_in_config), or not free in this process (source_unavailable: nothing more is said)',
        },
      },
      async (request, reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const { source } = input.params;
        const options = input.body.options;
        const problems = setup.checkSource(source, options);
        if (problems === null) throw new ApiError(404, 'not_found', `no source "${source}"`);
        const merged = setup.merged();
        const owner = merged.storedSources.get(source);
        // The file's sources are every workspace's to see: read-only whatever the body.
        if (source in merged.config.sources && owner === undefined)
          throw new ApiError(
            409,
            'defined_in_config',
            `source "${source}" is defined in earshot.config.yaml: change it there`,
          );
        // Bad options next: that answer never depends on which workspace holds the source.
        if (problems.length > 0)
          throw new ApiError(
            400,
            'invalid_parameter',
            `invalid body parameter${problems.length > 1 ? 's' : ''}: ${problems.map((p) => p.parameter).join(', ')}`,
            problems,
          );
        if (owner !== undefined && owner !== ws.id) throw unavailable(source);
        await saveSetting(ctx.store, {
          workspace: ws.id,
          kind: 'source',
          id: source,
          body: options,
        });
        await setup.refresh();
        return reply
          .status(owner === undefined ? 201 : 200)
          .send({ source, options, origin: 'api' });
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'DELETE',
        url: '/sources/:source',
        tag: 'setup',
        auth: true,
        summary: 'Remove a source your workspace configured (the connector stops). Admin key.',
        params: SourceParams,
        responses: {
          204: 'removed',
          404: 'no source stored by your workspace',
          409: 'defined in earshot.config.yaml',
        },
      },
      async (request, reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const { source } = input.params;
        const merged = setup.merged();
        const owner = merged.storedSources.get(source);
        if (owner === undefined && source in merged.config.sources)
          throw new ApiError(
            409,
            'defined_in_config',
            `source "${source}" is defined in earshot.config.yaml: change it there`,
          );
        if (owner !== ws.id)
          throw new ApiError(404, 'not_found', `no source "${source}" stored by your workspace`);
        await saveSetting(ctx.store, {
          workspace: ws.id,
          kind: 'source',
          id: source,
          body: null,
          deleted: true,
        });
        await setup.refresh();
        return reply.status(204).send();
      },
    );
    return Promise.resolve();
  };
}
