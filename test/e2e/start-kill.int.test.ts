import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { feedScope } from '../../ingest/rss/normalize.ts';
import {
  expectedIds,
  startFakeRss,
  type FakeItem,
  type FakeSource,
} from '../support/source-fakes.ts';
import { startEarshot } from '../support/earshot-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `earshot start` on the embedded bus, killed hard (SIGKILL: out of memory, kill -9) while a
 * source's mentions are read but not yet stored. The bus is memory, so they are gone from it;
 * the source's cursor must not say they were read, or they are never read again. The sink is
 * slowed (SINK_FLUSH_INTERVAL_MS) so the mentions wait in the bus when the kill comes.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-kill-'));
const children: ChildProcess[] = [];
let fake: FakeSource | null = null;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await fake?.close();
});

/** Workspace `k` with brand Acme, and `more` (sources) after it; returns the file's path. */
function writeConfig(inDir: string, more = ''): string {
  const config = join(inDir, 'earshot.config.yaml');
  writeFileSync(
    config,
    `workspaces:
  - id: k
    name: K
    brands: [{ id: acme, name: Acme, query: acme }]
${more}`,
  );
  return config;
}

/** The ids stored from `source`, read with `earshot sql` once the process is gone. */
function storedIds(env: NodeJS.ProcessEnv, source: string): string[] {
  const r = spawnSync(
    process.execPath,
    [
      'bin/earshot.js',
      'sql',
      `SELECT id FROM mentions FINAL WHERE source = '${source}' ORDER BY id`,
      '--json',
    ],
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => String((JSON.parse(l) as { id: string }).id));
}

describe('earshot start killed hard', () => {
  it('reads again, on the next start, what was read but not stored', async () => {
    const now = Date.now();
    const items: FakeItem[] = Array.from({ length: 5 }, (_, k) => ({
      n: 10 + k,
      atMs: now - (k + 1) * 10 * 60_000,
    }));
    fake = await startFakeRss({ items: () => items });
    const feedUrl = `${fake.baseUrl}/feed.xml`;
    const config = writeConfig(
      dir,
      `sources:
  rss:
    feeds: ['${feedUrl}']
    poll_interval_s: 1
`,
    );
    const env = {
      CHDB_PATH: join(dir, 'chdb'),
      EARSHOT_CONFIG: config,
      EARSHOT_DEMO_API_KEY: 'kill-key',
      DEMO_ENABLED: 'false',
      PORT: '0',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
    };

    // Run 1: the feed is read, and its mentions wait for a sink that fills batches for a minute.
    const first = await startEarshot(
      { ...process.env, ...env, SINK_FLUSH_INTERVAL_MS: '60000' },
      children,
    );
    const polled = fake.stats.requests;
    // Two more polls: the first one's items were produced (each poll finishes before the next).
    await waitFor(() => (fake!.stats.requests >= polled + 2 ? true : null), {
      timeoutMs: 30_000,
      what: 'two more polls of the feed',
    });
    first.child.kill('SIGKILL');
    await first.exited;

    // Run 2, as usual: the cursor was left behind, so the feed's items are read again.
    const second = await startEarshot({ ...process.env, ...env }, children);
    const before = fake.stats.requests;
    await waitFor(() => (fake!.stats.requests >= before + 3 ? true : null), {
      timeoutMs: 30_000,
      what: 'three polls after the restart',
    });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const stored = storedIds(env, 'rss');
    expect(stored).toEqual(expectedIds('rss', items, feedScope(feedUrl)));
  });

  it('keeps what POST /v1/ingest acknowledged, when killed right after the answer', async () => {
    // The sink flushes every 3 s: an answer given once the mentions are in the bus comes
    // before that, and the kill below would lose them.
    const wsDir = mkdtempSync(join(dir, 'ingest-'));
    const config = writeConfig(wsDir);
    const env = {
      CHDB_PATH: join(wsDir, 'chdb'),
      EARSHOT_CONFIG: config,
      EARSHOT_DEMO_API_KEY: 'ingest-kill-key',
      DEMO_ENABLED: 'false',
      PORT: '0',
      LOG_PRETTY: 'false',
      SINK_FLUSH_INTERVAL_MS: '3000',
    };
    const run = await startEarshot({ ...process.env, ...env }, children);
    const created = Date.now() - 60_000;
    const body = Array.from({ length: 5 }, (_, k) =>
      JSON.stringify({
        id: `webhook:kill-${k}`,
        source: 'webhook',
        text: `acme post ${k}`,
        created_at: new Date(created + k * 1000).toISOString(),
      }),
    ).join('\n');
    const started = Date.now();
    const res = await fetch(`${run.url}/v1/ingest`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer ingest-kill-key',
        'content-type': 'application/x-ndjson',
      },
      body,
    });
    run.child.kill('SIGKILL');
    const waitedMs = Date.now() - started;
    expect(res.status, await res.text()).toBe(202);
    await run.exited;

    const stored = storedIds(env, 'webhook');
    expect(stored, `answered after ${waitedMs} ms`).toEqual(
      Array.from({ length: 5 }, (_, k) => `webhook:@k:kill-${k}`),
    );
  });
});
