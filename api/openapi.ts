import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import { parseInput } from './errors.ts';

/**
 * Routes are declared once, with their zod schemas: the same declaration registers the
 * Fastify handler and describes the route in the OpenAPI document, so the two cannot drift.
 */
export interface RouteSpec<
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HTTPMethods;
  url: string;
  summary: string;
  tag: string;
  query?: Q;
  params?: P;
  body?: B;
  /** Response shape in words (fields are listed in docs/api.md). */
  responses: Record<number, string>;
  /**
   * The 200 answer as a schema (api/contracts/): shown in the OpenAPI document, and the type
   * the handler must return. For a route that `produces` another format (CSV), one row of it.
   */
  response?: R;
  /** Routes under /v1 need a key; the system routes do not. */
  auth?: boolean;
  produces?: string;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * What a handler returns: its spec's response (as the schema's input, before defaults), or the
 * reply when it sends the answer itself (a stream); anything when the spec names no schema.
 */
type Answer<R> = [R] extends [z.ZodType] ? z.input<R> | FastifyReply : unknown;

/**
 * A route's input, parsed with the schemas of its spec (a 400 naming what is wrong, as
 * `parseInput`). Each part is parsed when the handler first reads it, so the handler keeps the
 * order of its checks: a route may answer 404 for a missing resource before judging its body.
 */
export interface RouteInput<P, Q, B> {
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
}

export function route<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(
  registry: RouteSpec[],
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B, R>,
  handler: (
    request: FastifyRequest,
    reply: FastifyReply,
    input: RouteInput<P, Q, B>,
  ) => Answer<R> | Promise<Answer<R>>,
): void {
  registry.push({ ...spec, url: `${app.prefix}${spec.url}` });
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => handler(request, reply, routeInput(spec, request)),
  });
}

function routeInput<P, Q, B>(
  spec: { params?: P; query?: Q; body?: B },
  request: FastifyRequest,
): RouteInput<P, Q, B> {
  const cache: Partial<Record<'params' | 'query' | 'body', unknown>> = {};
  const part = (where: 'params' | 'query' | 'body', input: () => unknown) => {
    if (!(where in cache)) {
      const schema = spec[where];
      cache[where] =
        schema === undefined ? undefined : parseInput(schema as z.ZodType, input(), where);
    }
    return cache[where];
  };
  return {
    get params() {
      return part('params', () => request.params) as Parsed<P>;
    },
    get query() {
      return part('query', () => request.query) as Parsed<Q>;
    },
    get body() {
      return part('body', () => request.body) as Parsed<B>;
    },
  };
}

function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parameters(schema: z.ZodObject | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    description: typeof s.description === 'string' ? s.description : undefined,
    schema: { ...s, description: undefined },
  }));
}

export function openApiDocument(registry: RouteSpec[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry) {
    const path = toOpenApiPath(r.url);
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth ? { security: [{ bearer: [] }] } : {}),
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, description]) => [
          status,
          {
            description,
            content: {
              [r.produces && status.startsWith('2') ? r.produces : 'application/json']:
                status === '200' && r.response ? { schema: responseSchema(r) } : {},
            },
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'earshot API',
      version,
      description:
        'Brand health, competitor comparison, topics and mentions. Field-by-field reference: docs/api.md.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API key: earshot keys create' },
      },
    },
    paths,
  };
}

/** The 200 answer's JSON schema; for another format (CSV), its rows as an array. */
function responseSchema(r: RouteSpec): Record<string, unknown> {
  const schema = z.toJSONSchema(r.response!, { io: 'output', unrepresentable: 'any' });
  if (!r.produces) return schema;
  return {
    type: 'array',
    description: `${r.produces}: a header line of the column names, then one line per row`,
    items: schema,
  };
}

/** A self-contained docs page (no CDN: earshot runs offline). */
export function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const esc = (s: string) =>
    s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const sections = Object.entries(doc.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const o = op as {
          summary: string;
          parameters: Array<{ name: string; in: string; required: boolean; description?: string }>;
          responses: Record<string, { description: string }>;
          security?: unknown;
        };
        const params = o.parameters
          .map(
            (p) =>
              `<li><code>${esc(p.name)}</code> <small>${p.in}${p.required ? ', required' : ''}</small>${p.description ? ` — ${esc(p.description)}` : ''}</li>`,
          )
          .join('');
        const responses = Object.entries(o.responses)
          .map(([s, r]) => `<li><code>${s}</code> ${esc(r.description)}</li>`)
          .join('');
        return `<section><h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>${o.security ? ' <small>🔑 key</small>' : ''}</h2><p>${esc(o.summary)}</p>${params ? `<h3>Parameters</h3><ul>${params}</ul>` : ''}<h3>Responses</h3><ul>${responses}</ul></section>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>earshot API</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433;background:#fff}
@media(prefers-color-scheme:dark){body{color:#e6e9ef;background:#14171f}code{background:#262b36!important}}
code{background:#f1f3f7;padding:.1em .3em;border-radius:4px}section{border-top:1px solid #8884;padding:.5rem 0}
h2{font-size:1.05rem}.m{display:inline-block;min-width:4.5em;font-size:.8rem;padding:.1em .4em;border-radius:4px;color:#fff;background:#4f7cff}
.m.post{background:#2bb673}.m.patch{background:#d98e04}.m.delete{background:#d94848}</style></head>
<body><h1>earshot API</h1><p>${esc(doc.info.description)} Machine-readable: <a href="/openapi.json">/openapi.json</a>.
Send <code>Authorization: Bearer &lt;key&gt;</code> on <code>/v1</code> routes.</p>${sections}</body></html>`;
}
