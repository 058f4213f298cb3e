import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { applyMentionPatch } from '../../store/queries/mention-actions.ts';
import { domainOf, listMutes, setMute } from '../../store/queries/mutes.ts';
import type { ApiContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { workspaceOf } from '../params.ts';

/**
 * What a person does to mentions of their workspace: correct the sentiment, tag, hide,
 * bookmark (PATCH /v1/mentions/{id}); mute an author or a domain (PUT /v1/mutes). Every change
 * is the workspace's own (another workspace's mention is a 404) and moves its numbers exactly
 * once (store/queries/adjustments.ts).
 */

const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\s,][^,]*$/, 'a tag without commas');

// The id travels in the body: mention ids hold ':' and '/' and can outgrow a path parameter.
const MentionPatchBody = z
  .object({
    id: z.string().min(1).max(512).describe('the mention id, as the feed gives it'),
    sentiment: z
      .enum(['pos', 'neu', 'neg'])
      .nullable()
      .optional()
      .describe("a person's label for the mention; null goes back to the model's"),
    tags: z.array(Tag).max(20).optional().describe('the whole list of tags (replaces the old one)'),
    hidden: z.boolean().optional().describe('hidden: out of the feed and every metric'),
    bookmarked: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 1, {
    message: 'give at least one of sentiment, tags, hidden, bookmarked',
  });

const MuteBody = z
  .object({
    kind: z.enum(['author', 'domain']),
    value: z
      .string()
      .trim()
      .min(1)
      .max(512)
      .describe('author: "<source>/<author id>" (as the feed gives them); domain: a host name'),
    label: z.string().max(200).optional().describe('what the list shows (a handle)'),
    muted: z.boolean().default(true).describe('false lifts the mute'),
  })
  .strict();

const NoQuery = z.object({}).strict();

const actorOf = (request: FastifyRequest) => ({
  keyId: request.apiKeyId || 'api',
  keyName: request.apiKeyName,
});

/** The value a mute is stored under: "<source>/<author id>", or a bare host name. */
function muteValue(kind: 'author' | 'domain', value: string): string {
  if (kind === 'author') {
    if (!/^[a-z0-9][a-z0-9_-]*\/.+/.test(value))
      throw new ApiError(400, 'invalid_parameter', 'invalid body parameter: value', [
        {
          parameter: 'value',
          message: 'an author is "<source>/<author id>", e.g. "bluesky/did:plc:…"',
        },
      ]);
    return value;
  }
  const host = domainOf(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  if (host === null || !host.includes('.'))
    throw new ApiError(400, 'invalid_parameter', 'invalid body parameter: value', [
      { parameter: 'value', message: 'a domain like "example.com"' },
    ]);
  return host;
}

export function actionRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/mentions/actions',
        tag: 'mentions',
        auth: true,
        summary:
          "Correct a mention's sentiment (or revert it), tag, hide or bookmark it, in your workspace",
        body: MentionPatchBody,
        responses: {
          200: '{ id, actions: { tags, hidden, bookmarked, muted, corrected: { label, original_label, by, at } | null } }',
          400: 'a bad body (named in details)',
          404: 'no such mention in your workspace',
        },
      },
      async (request, _reply, input) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const { id, ...patch } = input.body;
        const actions = await applyMentionPatch(
          ctx.store,
          ws.id,
          id,
          patch,
          actorOf(request),
          ctx.now(),
        );
        if (actions === null) throw new ApiError(404, 'not_found', 'no such mention');
        // Numbers changed: cached answers of this workspace are stale.
        ctx.cache.forget(`${ws.id} `);
        return { id, actions };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/mutes',
        tag: 'mentions',
        auth: true,
        summary: 'Muted authors and domains of your workspace',
        query: NoQuery,
        responses: { 200: '{ mutes: [{ kind, value, label, by, at }] }' },
      },
      async (request, _reply, input) => {
        void input.query;
        const ws = workspaceOf(ctx, request.workspaceId);
        return { mutes: await listMutes(ctx.store, ws.id) };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'PUT',
        url: '/mutes',
        tag: 'mentions',
        auth: true,
        summary:
          'Mute an author or a domain (their mentions leave the feed and every metric), or lift a mute',
        body: MuteBody,
        responses: {
          200: '{ kind, value, muted, mentions }: mentions = how many of yours it covers',
          400: 'a bad body',
        },
      },
      async (request, _reply, input) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const body = input.body;
        const value = muteValue(body.kind, body.value);
        const { mentions } = await setMute(
          ctx.store,
          ws.id,
          { kind: body.kind, value, label: body.label ?? value, muted: body.muted },
          actorOf(request),
          ctx.now(),
        );
        ctx.cache.forget(`${ws.id} `);
        return { kind: body.kind, value, muted: body.muted, mentions };
      },
    );
    return Promise.resolve();
  };
}
