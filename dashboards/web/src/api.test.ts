import { describe, expect, it, vi } from 'vitest';
import { AlertRuleSchema, ApiClient, BrandsSchema, HealthSchema, routePattern } from './api.ts';

function fakeFetch(
  routes: Record<string, { status: number; body: unknown }>,
): typeof fetch & { calls: { url: string; init: RequestInit | undefined }[] } {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const f = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init });
    const hit = routes[url.split('?')[0]!] ?? {
      status: 404,
      body: { error: { code: 'not_found', message: 'no route' } },
    };
    return Promise.resolve(
      new Response(JSON.stringify(hit.body), {
        status: hit.status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  return Object.assign(f, { calls });
}

describe('ApiClient', () => {
  it('sends the key as a bearer token and the params as a query', async () => {
    const brands = {
      workspace: 'demo',
      name: 'Demo',
      timezone: 'UTC',
      brands: [
        {
          id: 'a',
          name: 'A',
          query: 'a',
          competitors: [],
          color: null,
          owned: null,
          origin: 'config' as const,
        },
      ],
    };
    const f = fakeFetch({
      // A field this UI does not know (a newer server) is dropped, not an error.
      '/v1/brands': { status: 200, body: { ...brands, plan: 'new field' } },
    });
    const api = new ApiClient({ key: () => 'k1', onUnauthorized: vi.fn(), fetch: f });
    const res = await api.get(
      '/v1/brands',
      { from: 'now-24h', empty: '', none: null },
      BrandsSchema,
    );
    expect(res).toEqual({ ok: true, data: brands });
    expect(f.calls[0]!.url).toBe('/v1/brands?from=now-24h');
    expect((f.calls[0]!.init!.headers as Record<string, string>).authorization).toBe('Bearer k1');
  });

  it('reports a 401 to the shell and returns the API error', async () => {
    const onUnauthorized = vi.fn();
    const f = fakeFetch({
      '/v1/brands': { status: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } },
    });
    const res = await new ApiClient({ key: () => null, onUnauthorized, fetch: f }).get(
      '/v1/brands',
      {},
      BrandsSchema,
    );
    expect(res).toEqual({ ok: false, status: 401, code: 'unauthorized', message: 'bad key' });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('returns the bad fields of a 400, and sends PATCH and DELETE with the key', async () => {
    const f = fakeFetch({
      '/v1/alert-rules/r1': {
        status: 400,
        body: {
          error: {
            code: 'invalid_parameter',
            message: 'invalid body parameter: window',
            details: [{ parameter: 'window', message: 'use a duration like 15m, 1h or 1d' }],
          },
        },
      },
    });
    const api = new ApiClient({ key: () => 'k1', onUnauthorized: vi.fn(), fetch: f });
    const res = await api.patch('/v1/alert-rules/r1', { window: 'soon' }, AlertRuleSchema);
    expect(res).toEqual({
      ok: false,
      status: 400,
      code: 'invalid_parameter',
      message: 'invalid body parameter: window',
      details: [{ parameter: 'window', message: 'use a duration like 15m, 1h or 1d' }],
    });
    expect(f.calls[0]!.init).toMatchObject({ method: 'PATCH', body: '{"window":"soon"}' });
    // A 204 has no body: the answer is ok, with null.
    const calls: RequestInit[] = [];
    const noContent = (_: string | URL | Request, init?: RequestInit) => {
      calls.push(init!);
      return Promise.resolve(new Response(null, { status: 204 }));
    };
    const deleted = await new ApiClient({
      key: () => 'k1',
      onUnauthorized: vi.fn(),
      fetch: noContent,
    }).delete('/v1/alert-rules/r1');
    expect(deleted).toEqual({ ok: true, data: null });
    expect(calls[0]).toMatchObject({ method: 'DELETE', body: null });
    expect((calls[0]!.headers as Record<string, string>).authorization).toBe('Bearer k1');
  });

  it('rejects an answer of the wrong shape instead of drawing garbage', async () => {
    const f = fakeFetch({
      '/v1/brands/a/health': { status: 200, body: { brand: 'a', series: 'nope' } },
    });
    const res = await new ApiClient({ key: () => null, onUnauthorized: vi.fn(), fetch: f }).get(
      '/v1/brands/a/health',
      {},
      HealthSchema,
    );
    expect(res).toMatchObject({ ok: false, code: 'unexpected_answer' });
  });

  it('asks only for routes the OpenAPI document declares', async () => {
    const f = fakeFetch({
      '/openapi.json': {
        status: 200,
        body: { paths: { '/v1/brands': {}, '/v1/brands/{brand}/health': {} } },
      },
      '/v1/brands': { status: 200, body: { workspace: 'w', brands: [] } },
    });
    const api = new ApiClient({ key: () => null, onUnauthorized: vi.fn(), fetch: f });
    await api.discover();
    expect(api.has('/v1/brands/aurora/health')).toBe(true);
    expect(api.has('/v1/alerts')).toBe(false);
    const res = await api.get('/v1/alerts', {}, BrandsSchema);
    expect(res).toMatchObject({ ok: false, status: 404 });
    expect(f.calls.map((c) => c.url)).toEqual(['/openapi.json']);
  });

  it('tries every route when there is no OpenAPI document', async () => {
    const api = new ApiClient({ key: () => null, onUnauthorized: vi.fn(), fetch: fakeFetch({}) });
    await api.discover();
    expect(api.has('/v1/anything')).toBe(true);
  });
});

describe('routePattern', () => {
  it('matches one path segment per parameter', () => {
    const r = routePattern('/v1/alerts/{id}/ack');
    expect(r.test('/v1/alerts/demo.r1.2026/ack')).toBe(true);
    expect(r.test('/v1/alerts/a/b/ack')).toBe(false);
    expect(routePattern('/v1/compare').test('/v1/compareX')).toBe(false);
  });
});
