import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startChdbHttpFront, type ChdbHttpFront } from '../support/clickhouse-http.ts';
import { startEarshot } from '../support/earshot-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The `npm start` path end to end, as a user runs it: the real CLI in a child process, the
 * embedded default (in-process bus, chdb), the demo source and the API. Start, wait for
 * data, query the API, stop with SIGINT, start again and find the data still there.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-'));
const children: ChildProcess[] = [];
const KEY = 'e2e-demo-key';
const auth = { headers: { authorization: `Bearer ${KEY}` } };

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** `earshot start` on this file's store and the demo, with `extraEnv` on top. */
function startDemo(extraEnv: Record<string, string> = {}) {
  return startEarshot(
    {
      ...process.env,
      PORT: '0',
      CHDB_PATH: join(dataDir, 'chdb'),
      DEMO_BACKFILL_HOURS: '6',
      DEMO_TICK_MS: '500',
      LOG_PRETTY: 'false',
      EARSHOT_CONFIG: '',
      EARSHOT_DEMO_API_KEY: KEY,
      ...extraEnv,
    },
    children,
    60_000,
  );
}

/**
 * The brand's volume over the last 7 h. `form` spells the same range differently: the API
 * caches a response for 5 s by its URL, and two reads meant to see a change must not share one.
 */
async function totalVolume(url: string, brand: string, form = '7h'): Promise<number> {
  const res = await fetch(`${url}/v1/brands/${brand}/health?from=now-${form}&interval=1h`, auth);
  if (res.status !== 200) return 0;
  const body = (await res.json()) as { totals: { volume: number } };
  return body.totals.volume;
}

/** Messages produced but not yet handled, summed over every consumer (`earshot_consumer_lag`). */
async function pipelineLag(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const lags = [...text.matchAll(/^earshot_consumer_lag\{[^}]*\} (\d+)$/gm)].map((m) =>
    Number(m[1]),
  );
  return lags.length === 0 ? null : lags.reduce((a, b) => a + b, 0);
}

describe('npm start (embedded default)', () => {
  it('starts, serves data within 30 s, stops cleanly on Ctrl-C and keeps the data', async () => {
    const first = await startDemo();
    const started = Date.now();
    const volume = await waitFor(async () => (await totalVolume(first.url, 'aurora')) || null, {
      timeoutMs: 30_000,
      what: 'non-zero volume for aurora',
    });
    console.log(
      `[figure] npm start: demo brand volume visible ${((Date.now() - started) / 1000).toFixed(1)} s after the banner`,
    );
    expect(volume).toBeGreaterThan(0);

    const brands = (await (await fetch(`${first.url}/v1/brands`, auth)).json()) as {
      brands: Array<{ id: string }>;
    };
    expect(brands.brands.map((b) => b.id)).toEqual(['aurora', 'nimbus', 'zephyr']);
    const bad = await fetch(`${first.url}/v1/brands/aurora/health?from=yesterday`, auth);
    expect((await fetch(`${first.url}/v1/brands`)).status).toBe(401);
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { details: Array<{ parameter: string }> } }).error.details[0]!
        .parameter,
    ).toBe('from');

    // Let the backfill finish so the restart has a full history to keep.
    await waitFor(() => first.output().includes('demo_backfill_done'), {
      timeoutMs: 60_000,
      what: 'backfill done',
    });
    // Stored, not only produced: every consumer of the pipeline has caught up (the enrich
    // stage may take many seconds over the backfill), then the volume is read once, uncached.
    await waitFor(async () => ((await pipelineLag(first.url)) === 0 ? true : null), {
      timeoutMs: 120_000,
      what: 'the pipeline caught up with the demo history',
    });
    const before = await totalVolume(first.url, 'aurora', '420m');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped cleanly');

    const second = await startDemo();
    const after = await totalVolume(second.url, 'aurora', '7h');
    expect(after).toBeGreaterThanOrEqual(before);
    // The same deterministic history is not counted twice after the restart (an uncached read).
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await totalVolume(second.url, 'aurora', '420m')).toBeLessThan(before * 1.1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('npm start with a ClickHouse server configuration (EARSHOT_STORE=clickhouse)', () => {
  const services = inject('services');
  let front: ChdbHttpFront | null = null;
  afterAll(async () => {
    await front?.close();
  });

  it('migrates the server, stores the demo through HTTP and serves every query from it', async () => {
    let server: { url: string; user: string; password: string };
    if (services.clickhouse.kind === 'server') server = services.clickhouse;
    else server = front = await startChdbHttpFront();
    const database = `e2e_${Date.now().toString(36)}`;
    const run = await startDemo({
      EARSHOT_STORE: 'clickhouse',
      CLICKHOUSE_URL: server.url,
      CLICKHOUSE_USER: server.user,
      CLICKHOUSE_PASSWORD: server.password,
      CLICKHOUSE_DATABASE: database,
    });
    expect(run.output()).toContain(`data:                  ${server.url} database ${database}`);
    const volume = await waitFor(async () => (await totalVolume(run.url, 'aurora')) || null, {
      timeoutMs: 60_000,
      what: 'non-zero volume for aurora from the server store',
    });
    expect(volume).toBeGreaterThan(0);
    for (const path of [
      '/v1/compare?brands=aurora,nimbus,zephyr&from=now-7h&interval=1h',
      '/v1/brands/aurora/topics?from=now-7h',
      '/v1/brands/aurora/mentions?limit=5',
      '/v1/brands/aurora/authors?from=now-7h',
      '/v1/alerts',
    ]) {
      const res = await fetch(`${run.url}${path}`, auth);
      expect(res.status, path).toBe(200);
    }
    const mentions = (await (
      await fetch(`${run.url}/v1/brands/aurora/mentions?limit=5`, auth)
    ).json()) as {
      mentions: unknown[];
    };
    expect(mentions.mentions.length).toBe(5);
    if (front) expect(front.statements.filter((s) => s === 'INSERT').length).toBeGreaterThan(0);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
