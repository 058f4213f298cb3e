import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  OwnedAccountsSchema,
  type BrandConfig,
  type WorkspaceConfig,
} from '../../core/workspace-config.ts';
import { brandKey } from '../../core/workspace-settings.ts';
import { listStoredRules } from '../../store/queries/alerts-store.ts';
import { ALL_TIME, deleteBrandRows } from '../../store/queries/rematch.ts';
import { saveSetting } from '../../store/queries/settings.ts';
import type { ApiContext } from '../app.ts';
import { BrandView } from '../contracts/brands.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { BrandParams, Slug, workspaceOf } from '../params.ts';
import type { SetupPort } from '../setup-port.ts';

/**
 * Self-serve setup of a workspace's brands: create, edit, delete (stored per workspace, merged
 * with earshot.config.yaml, whose brands stay read-only here), a live preview of a draft watch
 * query, and re-matching a brand over stored history. A save applies in this process at once and
 * in the others within a poll (cli/settings-sync.ts). Admin keys only (api/auth.ts).
 */

const Color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#4f7cff"')
  .describe('shown in the dashboard, "#rrggbb"');

const BrandFields = {
  name: z.string().trim().min(1).max(200).describe('shown in the dashboard'),
  query: z.string().min(1).max(10_000).describe('Boolean watch query (docs/queries.md)'),
  competitors: z
    .array(Slug)
    .max(50)
    .describe('ids of brands of the same workspace it is compared against'),
  color: Color.nullable(),
  owned: OwnedAccountsSchema.partial()
    .nullable()
    .describe('its own accounts (youtube, mastodon, bluesky): their posts count without a match'),
};

const CreateBody = z
  .object({
    id: Slug.optional().describe('lowercase id; default: made from the name'),
    ...BrandFields,
    competitors: BrandFields.competitors.default([]),
    color: BrandFields.color.optional(),
    owned: BrandFields.owned.optional(),
  })
  .strict();

const PatchBody = z.object(BrandFields).partial().strict();

const PreviewBody = z
  .object({
    query: z.string().min(1).max(10_000).describe('the draft watch query'),
    brand: Slug.optional().describe('compare with this brand’s query in force (gained / lost)'),
    days: z.number().int().min(1).max(90).default(7).describe('the last N days (default 7)'),
    samples: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(10)
      .describe('sample matches to show (default 10)'),
  })
  .strict();

const RematchBody = z
  .object({
    days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .describe('re-match the mentions of the last N days (from the start of that UTC day)'),
  })
  .strict();

/** "Acme Cloud!" → "acme-cloud". */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return slug.length > 0 ? slug : 'brand';
}

function invalid(details: Array<{ parameter: string; message: string } & Record<string, unknown>>) {
  return new ApiError(
    400,
    'invalid_parameter',
    `invalid body parameter${details.length > 1 ? 's' : ''}: ${details.map((d) => d.parameter).join(', ')}`,
    details,
  );
}

export function setupPortOf(ctx: ApiContext): SetupPort {
  if (!ctx.setup) throw new ApiError(503, 'unavailable', 'setup is not offered by this process');
  return ctx.setup;
}

/** A 400 pointing at the character of the query (position: 0-based, column: 1-based). */
export function checkQueryOrThrow(setup: SetupPort, query: string, parameter = 'query'): void {
  const problem = setup.checkQuery(query);
  if (problem === null) return;
  throw invalid([
    {
      parameter,
      message: `${problem.message} (expected ${problem.expected})`,
      position: problem.position,
      expected: problem.expected,
    },
  ]);
}

export function brandView(setup: SetupPort | null, ws: string, b: BrandConfig) {
  return {
    id: b.id,
    name: b.name,
    query: b.query,
    competitors: b.competitors,
    color: b.color ?? null,
    owned: b.owned ?? null,
    origin: setup?.merged().storedBrands.has(brandKey(ws, b.id))
      ? ('api' as const)
      : ('config' as const),
  };
}

export function setupRoutes(ctx: ApiContext): FastifyPluginAsync {
  /** The caller's brand, stored from the API (a brand of the file is read-only: 409). */
  const storedBrand = (ws: WorkspaceConfig, id: string, setup: SetupPort) => {
    const brand = ws.brands.find((b) => b.id === id);
    if (!brand) throw new ApiError(404, 'not_found', `no brand "${id}"`);
    if (!setup.merged().storedBrands.has(brandKey(ws.id, id)))
      throw new ApiError(
        409,
        'defined_in_config',
        `brand "${id}" is defined in earshot.config.yaml: change it there`,
      );
    return brand;
  };

  const checkBrand = (ws: WorkspaceConfig, brand: BrandConfig, setup: SetupPort) => {
    checkQueryOrThrow(setup, brand.query);
    const ids = new Set(ws.brands.map((b) => b.id));
    const details = brand.competitors.flatMap((c, i) =>
      c === brand.id
        ? [{ parameter: `competitors.${i}`, message: 'a brand is not its own competitor' }]
        : ids.has(c)
          ? []
          : [
              {
                parameter: `competitors.${i}`,
                message: `unknown brand "${c}": competitors are brands of the same workspace`,
              },
            ],
    );
    if (details.length > 0) throw invalid(details);
  };

  const save = async (ws: string, brand: BrandConfig, setup: SetupPort, deleted = false) => {
    await saveSetting(ctx.store, {
      workspace: ws,
      kind: 'brand',
      id: brand.id,
      body: brand,
      deleted,
    });
    await setup.refresh();
    ctx.cache.clear();
  };

  const clean = (b: BrandConfig): BrandConfig => {
    const owned = b.owned ? OwnedAccountsSchema.parse(b.owned) : undefined;
    const hasOwned =
      owned && (owned.youtube.length || owned.mastodon.length || owned.bluesky.length);
    return {
      id: b.id,
      name: b.name,
      query: b.query,
      competitors: [...new Set(b.competitors)],
      ...(b.color ? { color: b.color } : {}),
      ...(hasOwned ? { owned } : {}),
    };
  };

  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/brands',
        tag: 'setup',
        auth: true,
        summary: 'Add a brand to your workspace (stored; applies without a restart). Admin key.',
        body: CreateBody,
        response: BrandView,
        responses: {
          201: 'the brand: { id, name, query, competitors, color, owned, origin: "api" }',
          400: 'a bad field; a query error has `position` (0-based) and `expected`',
          403: 'a read key',
          409: 'the id is taken (by the file: defined_in_config; or stored: conflict)',
        },
      },
      async (request, reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const body = input.body;
        const id = body.id ?? slugOf(body.name);
        if (ws.brands.some((b) => b.id === id)) {
          const stored = setup.merged().storedBrands.has(brandKey(ws.id, id));
          throw new ApiError(
            409,
            stored ? 'conflict' : 'defined_in_config',
            stored
              ? `brand "${id}" exists: edit it (PATCH /v1/brands/${id}) or choose another id`
              : `brand "${id}" is defined in earshot.config.yaml: choose another id`,
          );
        }
        const brand = clean({
          id,
          name: body.name,
          query: body.query,
          competitors: body.competitors,
          color: body.color ?? undefined,
          owned: body.owned as BrandConfig['owned'],
        });
        checkBrand(ws, brand, setup);
        await save(ws.id, brand, setup);
        return reply.status(201).send(brandView(setup, ws.id, brand));
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'PATCH',
        url: '/brands/:brand',
        tag: 'setup',
        auth: true,
        summary: 'Change a stored brand (any field but its id). Admin key.',
        params: BrandParams,
        body: PatchBody,
        response: BrandView,
        responses: {
          200: 'the brand as saved',
          400: 'a bad field; a query error has `position` and `expected`',
          404: 'no such brand',
          409: 'defined in earshot.config.yaml (read-only here)',
        },
      },
      async (request, _reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const current = storedBrand(ws, input.params.brand, setup);
        const patch = input.body;
        const brand = clean({
          ...current,
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.query !== undefined ? { query: patch.query } : {}),
          ...(patch.competitors !== undefined ? { competitors: patch.competitors } : {}),
          color: patch.color === undefined ? current.color : (patch.color ?? undefined),
          owned:
            patch.owned === undefined
              ? current.owned
              : ((patch.owned ?? undefined) as BrandConfig['owned']),
        });
        checkBrand(ws, brand, setup);
        await save(ws.id, brand, setup);
        return brandView(setup, ws.id, brand);
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'DELETE',
        url: '/brands/:brand',
        tag: 'setup',
        auth: true,
        summary:
          'Delete a stored brand and its stored matches (mentions stay for other brands). Admin key.',
        params: BrandParams,
        responses: {
          204: 'deleted',
          404: 'no such brand',
          409: 'defined in earshot.config.yaml, or still a competitor of a brand or named by an alert rule',
        },
      },
      async (request, reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const brand = storedBrand(ws, input.params.brand, setup);
        const rivals = ws.brands.filter((b) => b.competitors.includes(brand.id)).map((b) => b.id);
        if (rivals.length > 0)
          throw new ApiError(
            409,
            'in_use',
            `brand "${brand.id}" is a competitor of ${rivals.join(', ')}: remove it there first`,
          );
        const rules = (await listStoredRules(ctx.store, ws.id))
          .filter((r) => (r.rule as { brand?: string }).brand === brand.id)
          .map((r) => r.id);
        if (rules.length > 0)
          throw new ApiError(
            409,
            'in_use',
            `alert rule${rules.length > 1 ? 's' : ''} ${rules.join(', ')} watch${rules.length > 1 ? '' : 'es'} brand "${brand.id}": delete ${rules.length > 1 ? 'them' : 'it'} first`,
          );
        await save(ws.id, brand, setup, true);
        // Its matches go too: a brand made again with this id starts empty, not with old data.
        await deleteBrandRows(ctx.store, { workspace: ws.id, brand: brand.id, from: ALL_TIME });
        return reply.status(204).send();
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/brands/preview',
        tag: 'setup',
        auth: true,
        summary:
          'Try a draft watch query on stored mentions without saving it: syntax, matches by day, samples with the matched spans, gained / lost against a brand’s query. Admin key.',
        body: PreviewBody,
        responses: {
          200: '{ from, to, by_day: [{ day, matches, current }], total, current_total, estimated, candidates, checked, samples, gained, lost } (each mention with `spans`: [start, end) offsets in text)',
          400: 'a query error: details[0] has `position` (0-based) and `expected`',
          404: 'no such brand',
        },
      },
      async (request, _reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const body = input.body;
        let current: string | null = null;
        if (body.brand !== undefined) {
          const brand = ws.brands.find((b) => b.id === body.brand);
          if (!brand) throw new ApiError(404, 'not_found', `no brand "${body.brand}"`);
          current = brand.query;
        }
        checkQueryOrThrow(setup, body.query);
        return {
          workspace: ws.id,
          query: body.query,
          days: body.days,
          ...(await setup.preview({
            workspace: ws.id,
            query: body.query,
            current,
            days: body.days,
            samples: body.samples,
            now: ctx.now(),
          })),
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/brands/:brand/rematch',
        tag: 'setup',
        auth: true,
        summary:
          'Match the brand’s query in force over stored mentions of the last N days, replacing what was counted (never adding twice). Admin key.',
        params: BrandParams,
        body: RematchBody,
        responses: {
          200: '{ brand, from, checked, matched, mentions }',
          400: 'a bad number of days',
          404: 'no such brand',
        },
      },
      async (request, _reply, input) => {
        const setup = setupPortOf(ctx);
        const ws = workspaceOf(ctx, request.workspaceId);
        const brand = ws.brands.find((b) => b.id === input.params.brand);
        if (!brand) throw new ApiError(404, 'not_found', `no brand "${input.params.brand}"`);
        const days = input.body.days;
        const result = await setup.rematch({
          workspace: ws.id,
          brand: brand.id,
          query: brand.query,
          days,
          now: ctx.now(),
        });
        ctx.cache.clear();
        return { workspace: ws.id, brand: brand.id, days, ...result };
      },
    );
    return Promise.resolve();
  };
}
