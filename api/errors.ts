import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeError, EarshotError } from '../core/errors.ts';

/** An error the API answers with `{ "error": { "code", "message", "details" } }`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

/** Validate input with zod; a problem is a 400 naming each bad parameter. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: 'query' | 'params' | 'body',
): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({
    parameter: i.path.join('.') || where,
    message: i.message,
  }));
  const names = details.map((d) => d.parameter).join(', ');
  throw new ApiError(
    400,
    'invalid_parameter',
    `invalid ${where} parameter${details.length > 1 ? 's' : ''}: ${names}`,
    details,
  );
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any handler runs (a malformed
 * percent-escape in the path, a path parameter over `maxParamLength`), in our error shape too.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.status(tooLong ? 414 : 400).send({
    error: {
      code: 'invalid_url',
      message: tooLong
        ? 'a path parameter is too long (at most 100 characters)'
        : 'the URL path is not valid: check its percent-encoding',
      details: null,
    },
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    if (error instanceof ApiError) {
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    const fe = error as FastifyError;
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply
        .status(fe.statusCode)
        .send({ error: { code: fe.code ?? 'bad_request', message: fe.message, details: null } });
    }
    const retriable = error instanceof EarshotError && error.retriable;
    request.log.error({ event: 'request_failed', err: describeError(error) });
    return reply.status(retriable ? 503 : 500).send({
      error: {
        code: retriable ? 'unavailable' : 'internal_error',
        message: retriable ? 'a dependency is unavailable, try again shortly' : 'internal error',
        details: null,
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        details: null,
      },
    }),
  );
}
