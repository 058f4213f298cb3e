import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, installErrorHandler } from './errors.ts';
import { openApiDocument, route, type RouteSpec } from './openapi.ts';

const Params = z.object({ id: z.string().regex(/^\d+$/, 'digits') });
const Query = z.object({ limit: z.coerce.number().int().max(10).default(5) }).strict();
const Body = z.object({ note: z.string().min(1) }).strict();

async function appWithRoute() {
  const registry: RouteSpec[] = [];
  const app = Fastify();
  installErrorHandler(app);
  const seen: string[] = [];
  await app.register(
    (scoped) => {
      route(
        registry,
        scoped,
        {
          method: 'POST',
          url: '/things/:id',
          tag: 'things',
          summary: 'a thing',
          params: Params,
          query: Query,
          body: Body,
          responses: { 200: '{ id, limit, note }', 400: 'a bad part' },
          response: z.object({ id: z.string(), limit: z.number(), note: z.string() }),
        },
        (_request, _reply, input) => {
          // Typed: id is a string, limit a number (coerced, defaulted), note a string.
          const id: string = input.params.id;
          seen.push('params');
          if (id === '404') throw new ApiError(404, 'not_found', 'no thing 404');
          const limit: number = input.query.limit;
          const note: string = input.body.note;
          seen.push('body');
          return { id, limit, note };
        },
      );
      return Promise.resolve();
    },
    { prefix: '/v1' },
  );
  return { app, registry, seen };
}

describe('route()', () => {
  it('hands the handler its params, query and body parsed with the spec’s schemas', async () => {
    const { app } = await appWithRoute();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/things/7?limit=3',
      payload: { note: 'hi' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: '7', limit: 3, note: 'hi' });
    const defaulted = await app.inject({
      method: 'POST',
      url: '/v1/things/7',
      payload: { note: 'x' },
    });
    expect(defaulted.json()).toMatchObject({ limit: 5 });
    await app.close();
  });

  it('answers a bad part with a 400 naming the parameter', async () => {
    const { app } = await appWithRoute();
    const badQuery = await app.inject({
      method: 'POST',
      url: '/v1/things/7?limit=99',
      payload: { note: 'hi' },
    });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json()).toMatchObject({ error: { code: 'invalid_parameter' } });
    expect(JSON.stringify(badQuery.json())).toContain('limit');
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/things/7?nope=1',
      payload: { note: 'hi' },
    });
    expect(unknown.statusCode).toBe(400);
    const badBody = await app.inject({ method: 'POST', url: '/v1/things/7', payload: {} });
    expect(badBody.statusCode).toBe(400);
    expect(JSON.stringify(badBody.json())).toContain('note');
    await app.close();
  });

  it('parses each part when the handler reads it: a 404 can come before a bad body', async () => {
    const { app, seen } = await appWithRoute();
    const res = await app.inject({ method: 'POST', url: '/v1/things/404', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(seen).toEqual(['params']);
    await app.close();
  });

  it('describes the route in the OpenAPI document from the same schemas', async () => {
    const { app, registry } = await appWithRoute();
    const doc = openApiDocument(registry, '0.0.0');
    const op = doc.paths['/v1/things/{id}']!.post as {
      parameters: Array<{ name: string; in: string; required: boolean }>;
      requestBody: unknown;
    };
    expect(op.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['id', 'path', true],
      ['limit', 'query', false],
    ]);
    expect(op.requestBody).toBeDefined();
    const responses = (op as unknown as { responses: Record<string, { content: object }> })
      .responses;
    expect(responses['200']!.content).toMatchObject({
      'application/json': { schema: { type: 'object', required: ['id', 'limit', 'note'] } },
    });
    expect(responses['400']!.content).toEqual({ 'application/json': {} });
    await app.close();
  });
});
