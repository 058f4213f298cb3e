import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Mention } from '../../core/contracts/mention.ts';
import { parseWebhookBody } from '../../ingest/webhook/parse.ts';
import type { ApiContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';

/**
 * `POST /v1/ingest`: the webhook source, for Zapier-style and in-house feeds. A JSON object,
 * a JSON array or NDJSON of mentions; each item is validated on its own, valid ones go to
 * mentions.raw.v1 (acknowledged before we answer), invalid ones are reported by index.
 */
export function ingestRoutes(
  produce: (mentions: Mention[]) => Promise<void>,
): (ctx: ApiContext) => FastifyPluginAsync {
  return (ctx) => (app) => {
    app.addContentTypeParser(
      [
        'application/json',
        'application/x-ndjson',
        'application/ndjson',
        'application/jsonl',
        'text/plain',
      ],
      // The server's body limit (API_BODY_LIMIT_BYTES) applies here too.
      { parseAs: 'string' },
      (_request, body, done) => done(null, body),
    );
    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/ingest',
        tag: 'ingest',
        auth: true,
        summary:
          'Ingest mentions from your own feeds: JSON object, JSON array or NDJSON (Content-Type application/x-ndjson)',
        body: z.unknown().describe('one Mention, an array of them, or NDJSON lines'),
        responses: {
          202: '{ accepted, rejected: [{ index, reason }] }',
          400: 'nothing valid in the body',
          401: 'no or invalid key',
        },
      },
      async (request, reply) => {
        const contentType = request.headers['content-type'] ?? 'application/json';
        const body = typeof request.body === 'string' ? request.body : '';
        const { mentions, errors } = parseWebhookBody(contentType, body);
        if (mentions.length === 0) {
          throw new ApiError(
            400,
            'invalid_body',
            errors.length > 0
              ? `no valid mention in the body (${errors.length} rejected)`
              : 'empty body',
            errors,
          );
        }
        await produce(mentions);
        return reply.status(202).send({ accepted: mentions.length, rejected: errors });
      },
    );
    return Promise.resolve();
  };
}
