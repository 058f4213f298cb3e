import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { uiRoutes } from './ui.ts';

const dirs: string[] = [];
const apps: FastifyInstance[] = [];

async function appWith(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.get('/v1/brands', () => ({ brands: [] }));
  await app.register(uiRoutes({ root }));
  apps.push(app);
  return app;
}

function builtUi(): string {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-ui-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>earshot</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('uiRoutes', () => {
  it('serves index.html at / and revalidates it on every load', async () => {
    const app = await appWith(builtUi());
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>earshot</title>');
  });

  it('caches hashed assets for a year', async () => {
    const app = await appWith(builtUi());
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves API routes alone and answers 404 for unknown files', async () => {
    const app = await appWith(builtUi());
    expect((await app.inject({ method: 'GET', url: '/v1/brands' })).json()).toEqual({ brands: [] });
    expect((await app.inject({ method: 'GET', url: '/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/../package.json' })).statusCode).toBe(404);
  });

  it('explains how to build the UI when the build is missing', async () => {
    const app = await appWith(join(tmpdir(), 'earshot-no-such-build'));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('npm run build:ui');
    expect((await app.inject({ method: 'GET', url: '/v1/brands' })).statusCode).toBe(200);
  });
});
