import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ownedMention, webhookDeadLetters } from '../../ingest/webhook/owned.ts';
import { parseWebhookBody, WEBHOOK_MAX_ITEMS } from '../../ingest/webhook/parse.ts';
import type { IngestPorts } from '../../ingest/ports.ts';
import type { ApiContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { route } from '../openapi.ts';
import { workspaceOf } from '../params.ts';

/**
 * Where the bus is memory (the embedded default), the ingest route answers only once what it
 * produced is stored: an acknowledgement in memory would be lost by a hard kill, and the client
 * would not post again. `untilStored` resolves then, or false after its timeout.
 */
export interface IngestRoutePorts extends Pick<IngestPorts, 'produce' | 'deadLetter'> {
  untilStored?: () => Promise<boolean>;
}

/**
 * `POST /v1/ingest`: the webhook source, for Zapier-style and in-house feeds. A JSON object,
 * a JSON array or NDJSON of mentions; each item is validated on its own, valid ones go to
 * mentions.raw.v1 (acknowledged before we answer: by Kafka, or on the in-process bus by the
 * store), invalid ones are reported by index and dead-lettered (bounded:
 * ingest/webhook/owned.ts). Everything accepted belongs to the key's workspace: its ids are
 * namespaced and it matches that workspace's brands only.
 */
export function ingestRoutes(ports: IngestRoutePorts): (ctx: ApiContext) => FastifyPluginAsync {
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
          'Ingest mentions from your own feeds: JSON object, JSON array or NDJSON (Content-Type application/x-ndjson). They belong to your workspace: ids are stored as <source>:@<workspace>:<id>',
        body: z.unknown().describe('one Mention, an array of them, or NDJSON lines'),
        responses: {
          202: '{ accepted, rejected: [{ index, reason }], dead_lettered }',
          400: 'nothing valid in the body',
          401: 'no or invalid key',
          503: 'embedded (in-process) bus only: accepted but not stored in time; post the same mentions again (their ids make that safe)',
        },
      },
      async (request, reply) => {
        // A key of a workspace that left the configuration has no brands to match: a 404.
        const workspace = workspaceOf(ctx, request.workspaceId).id;
        const contentType = request.headers['content-type'] ?? 'application/json';
        const body = typeof request.body === 'string' ? request.body : '';
        const { mentions, errors } = parseWebhookBody(contentType, body, WEBHOOK_MAX_ITEMS, (m) =>
          ownedMention(m, workspace),
        );
        const deadLetters = webhookDeadLetters(errors, workspace);
        if (deadLetters.length > 0) await ports.deadLetter(deadLetters);
        if (mentions.length > 0) await ports.produce(mentions);
        if ((mentions.length > 0 || deadLetters.length > 0) && ports.untilStored) {
          if (!(await ports.untilStored()))
            throw new ApiError(
              503,
              'not_stored',
              `${pendingWhat(mentions.length, deadLetters.length)} but not stored in time (the pipeline is behind or stopped); post them again: their ids make that safe`,
            );
        }
        const rejected = errors.map(({ index, reason }) => ({ index, reason }));
        if (mentions.length === 0) {
          throw new ApiError(
            400,
            'invalid_body',
            errors.length > 0
              ? `no valid mention in the body (${errors.length} rejected, ${deadLetters.length} dead-lettered)`
              : 'empty body',
            rejected,
          );
        }
        return reply
          .status(202)
          .send({ accepted: mentions.length, rejected, dead_lettered: deadLetters.length });
      },
    );
    return Promise.resolve();
  };
}

/** What a 503 leaves unstored, in words: "2 mentions accepted and 1 invalid item dead-lettered". */
export function pendingWhat(mentions: number, deadLettered: number): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    mentions > 0 ? `${plural(mentions, 'mention', 'mentions')} accepted` : null,
    deadLettered > 0
      ? `${plural(deadLettered, 'invalid item', 'invalid items')} dead-lettered`
      : null,
  ]
    .filter((x) => x !== null)
    .join(' and ');
}
