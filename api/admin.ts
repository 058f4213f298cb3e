import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MentionSchema, type Mention } from '../core/contracts/mention.ts';
import { EarshotError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { createApiKey, KEY_SCOPES, listApiKeys, revokeApiKey } from '../store/queries/api-keys.ts';
import { countStoredMentions } from '../store/queries/mentions.ts';
import type { KeyChanges } from './auth.ts';
import { ApiError, installErrorHandler, parseInput } from './errors.ts';

/**
 * The admin endpoint of a running `earshot start`: what `earshot keys`, `sql` and `import`
 * need, for the CLI of the same machine when the embedded engine's lock keeps it from
 * opening the data itself. Not part of the public API: its own listener on 127.0.0.1 (never
 * the API's HOST), not in the OpenAPI document, and one token (random per start, in a 0600
 * file in the data directory) is the only credential it accepts; workspace keys are refused.
 */
export interface AdminDependencies {
  token: string;
  store: Store;
  config: () => EarshotConfig;
  logger: Logger;
  /** Tell the API's key cache, so a revoked key is refused at once. */
  keyChanges: KeyChanges;
  importer: {
    /** Produce to mentions.raw.v1; resolves when the bus acknowledged. */
    produce: (mentions: Mention[]) => Promise<void>;
    /** `workspace`: the owner of the import, when the import is a workspace's own (tenancy). */
    deadLetter: (
      items: Array<{ source: string; payload: string; reason: string; workspace?: string }>,
    ) => Promise<void>;
    /** Resolves true when what was produced so far is enriched and stored. */
    drain: (timeoutMs: number) => Promise<boolean>;
  };
}

/** A batch the CLI sends while it reads the file; its progress bar moves per batch. */
const MAX_BATCH = 5_000;

const KeyCreateBody = z.object({
  workspace: z.string().min(1),
  name: z.string().min(1).max(200).default('cli'),
  scope: z.enum(KEY_SCOPES).default('admin'),
});
const SqlBody = z.object({
  query: z.string().min(1).max(1_000_000),
  format: z.enum(['JSONEachRow', 'PrettyCompactMonoBlock']),
});
const ProduceBody = z.object({ mentions: z.array(z.unknown()).max(MAX_BATCH) });
const DeadLetterBody = z.object({
  items: z
    .array(
      z.object({
        source: z.string().min(1).max(4_096),
        payload: z.string().max(1_000_000),
        reason: z.string().min(1).max(4_000),
        // Forwarded as the CLI would have produced it locally: an import stays in its scope.
        workspace: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)
          .optional(),
      }),
    )
    .max(MAX_BATCH),
});
const DrainBody = z.object({ timeout_ms: z.number().int().min(0).max(3_600_000).default(600_000) });

export async function buildAdminApi(deps: AdminDependencies): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'admin' });
  const app = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024 * 1024,
  });
  installErrorHandler(app);
  const expected = createHash('sha256').update(deps.token).digest();
  app.addHook('onRequest', async (request) => {
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const digest = createHash('sha256').update(given).digest();
    if (!timingSafeEqual(digest, expected)) {
      throw new ApiError(
        401,
        'unauthorized',
        'the admin endpoint takes the admin token of this earshot start (from its data directory), not an API key',
      );
    }
    return Promise.resolve();
  });

  app.get('/admin/v1/ping', () => ({ pid: process.pid }));

  app.get('/admin/v1/keys', async () => ({
    keys: (await listApiKeys(deps.store)).map(({ secret_sha256: _secret, ...k }) => k),
  }));
  app.post('/admin/v1/keys', async (request) => {
    const body = parseInput(KeyCreateBody, request.body, 'body');
    const workspaces = deps.config().workspaces.map((w) => w.id);
    if (!workspaces.includes(body.workspace)) {
      throw new ApiError(
        404,
        'unknown_workspace',
        `no workspace "${body.workspace}" in the configuration (known: ${workspaces.join(', ')})`,
      );
    }
    const { key, record } = await createApiKey(deps.store, body.workspace, body.name, body.scope);
    deps.keyChanges.notify();
    deps.logger.info({ event: 'api_key_created', key_id: record.key_id, via: 'admin' });
    const { secret_sha256: _secret, ...shown } = record;
    return { key, record: shown };
  });
  app.post('/admin/v1/keys/:id/revoke', async (request) => {
    const { id } = parseInput(z.object({ id: z.string().min(1) }), request.params, 'params');
    if (!(await revokeApiKey(deps.store, id)))
      throw new ApiError(404, 'unknown_key', `no key ${id}`);
    deps.keyChanges.notify();
    deps.logger.info({ event: 'api_key_revoked', key_id: id, via: 'admin' });
    return { revoked: id };
  });

  // The store vets and runs the query read-only, as it does for the CLI itself.
  app.post('/admin/v1/sql', async (request, reply) => {
    const body = parseInput(SqlBody, request.body, 'body');
    try {
      const text = await deps.store.readOnlyQuery(body.query, body.format);
      return await reply.type('text/plain; charset=utf-8').send(text);
    } catch (error) {
      if (error instanceof EarshotError && !error.retriable)
        throw new ApiError(400, error.code, error.message);
      throw error;
    }
  });

  app.post('/admin/v1/import/mentions', async (request) => {
    const body = parseInput(ProduceBody, request.body, 'body');
    const mentions: Mention[] = [];
    const rejected: Array<{ index: number; reason: string }> = [];
    body.mentions.forEach((item, index) => {
      const parsed = MentionSchema.safeParse(item);
      if (parsed.success) mentions.push(parsed.data);
      else rejected.push({ index, reason: z.prettifyError(parsed.error) });
    });
    if (rejected.length > 0)
      throw new ApiError(400, 'invalid_mention', 'the batch has invalid mentions', rejected);
    // Counted before they go onto the bus: the sink skips those stored already (but for newer
    // engagement counts), so the import's summary tells them apart.
    const alreadyStored = await countStoredMentions(
      deps.store,
      mentions.map((m) => m.id),
    );
    await deps.importer.produce(mentions);
    return { accepted: mentions.length, already_stored: alreadyStored };
  });
  app.post('/admin/v1/import/dead-letters', async (request) => {
    const body = parseInput(DeadLetterBody, request.body, 'body');
    await deps.importer.deadLetter(body.items);
    return { accepted: body.items.length };
  });
  app.post('/admin/v1/import/drain', async (request) => {
    const body = parseInput(DrainBody, request.body, 'body');
    return { drained: await deps.importer.drain(body.timeout_ms) };
  });
  return app;
}
