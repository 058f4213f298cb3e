import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { feedScope } from '../../ingest/rss/normalize.ts';
import {
  expectedIds,
  startFakeHackerNews,
  startFakeMastodon,
  startFakeReddit,
  startFakeRss,
  startFakeYouTube,
  type Fault,
  type FakeItem,
  type FakeSource,
} from '../support/source-fakes.ts';
import { startEarshot } from '../support/earshot-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Every polling connector under `earshot start` (embedded bus and chdb, as a user runs it)
 * against fakes that speak each source's API with faults on: 429 with Retry-After, 500s
 * (single and in runs past the retries), dropped connections, an answer slower than the
 * 15 s request timeout, truncated bodies and malformed items. Items keep arriving, a few
 * while earshot is down: it is stopped half-way and started again. At the end the store must
 * hold exactly the expected mentions: every good item of the last 24 h and every one that
 * arrived since, none older, none twice. Figures are printed with `[figure]`
 * (docs/sources.md, "Soak run"). Pages hold 5 items, so `max_pages` is raised where the
 * default would bound a walk: a first run that keeps failing until the restart then reads the
 * look-back and everything that arrived meanwhile in one walk (that only the newest
 * `max_pages` pages are read then is the documented bound, not a gap this test looks for).
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-soak-'));
const children: ChildProcess[] = [];
const fakes: FakeSource[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(fakes.map((f) => f.close()));
});

const SOURCES = ['reddit', 'mastodon', 'hackernews', 'youtube', 'rss'] as const;
const LIVE_ITEMS = 20;
const LIVE_EVERY_MS = 2_500;

/** Faults early on (first runs and their paging), then a steady sprinkle. */
const PLAN: Fault[] = ['ok', '429', 'ok', '500', 'truncate', 'ok', 'drop', 'ok', 'slow', 'ok'];
const fault =
  (offset: number) =>
  (i: number): Fault => {
    if (i < PLAN.length) return PLAN[(i + offset) % PLAN.length]!;
    if (i % 7 === 3) return '429';
    if (i % 11 === 5) return 'truncate';
    if (i % 13 === 7) return '500';
    if (i % 17 === 9) return 'drop';
    return 'ok';
  };

function world(t0: number): FakeItem[] {
  // `n` grows with time (Mastodon pages by id, and ids grow with time).
  const items: FakeItem[] = [
    // older than the 24 h look-back: never read
    { n: 1, atMs: t0 - 40 * 3_600_000 },
    { n: 2, atMs: t0 - 25 * 3_600_000 },
  ];
  // 12 within the look-back, one malformed among them
  for (let k = 0; k < 12; k++)
    items.push({ n: 30 - k, atMs: t0 - 10 * 60_000 - k * 90 * 60_000, bad: k === 5 });
  // live: one every 2.5 s, every 7th malformed
  for (let k = 1; k <= LIVE_ITEMS; k++)
    items.push({ n: 100 + k, atMs: t0 + k * LIVE_EVERY_MS, bad: k % 7 === 0 });
  return items;
}

function sql(env: Record<string, string>, query: string): Array<Record<string, unknown>> {
  const r = spawnSync(process.execPath, ['bin/earshot.js', 'sql', query, '--json'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const count = (text: string, event: string) => text.split(`"event":"${event}"`).length - 1;

/** `page_limit_reached` log lines by source (a walk cut short by max_pages). */
function pageLimits(text: string): Record<string, number> {
  const by: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.includes('"event":"page_limit_reached"')) continue;
    const source = /"source":"([a-z]+)"/.exec(line)?.[1] ?? '?';
    by[source] = (by[source] ?? 0) + 1;
  }
  return by;
}

describe('connectors soak under earshot start (faults, a restart)', () => {
  it('stores exactly the expected mentions of every polling source', async () => {
    const t0 = Date.now();
    const items = world(t0);
    const visible = () => items.filter((i) => i.atMs <= Date.now());
    const started = await Promise.all([
      startFakeReddit({ items: visible, pageSize: 5, fault: fault(0), slowMs: 16_000 }),
      startFakeMastodon({ items: visible, pageSize: 5, fault: fault(1), slowMs: 16_000 }),
      startFakeHackerNews({ items: visible, pageSize: 5, fault: fault(2), slowMs: 16_000 }),
      startFakeYouTube({ items: visible, pageSize: 5, fault: fault(3), slowMs: 16_000 }),
      startFakeRss({ items: visible, pageSize: 100, fault: fault(4), slowMs: 16_000 }),
    ]);
    fakes.push(...started);
    const [reddit, mastodon, hn, youtube, rss] = started;
    const feedUrl = `${rss.baseUrl}/feed.xml`;
    const config = join(dir, 'earshot.config.yaml');
    writeFileSync(
      config,
      `workspaces:
  - id: soak
    name: Soak
    brands:
      - id: acme
        name: Acme
        query: 'acme'
sources:
  reddit:
    user_agent: 'linux:earshot-soak:0.1 (by /u/earshot_soak)'
    queries: ['acme']
    api_base_url: ${reddit.baseUrl}
    auth_base_url: ${reddit.baseUrl}
    poll_interval_s: 2
    max_pages: 10
    requests_per_minute: 100
    refresh: { enabled: false }
  mastodon:
    base_url: ${mastodon.baseUrl}
    timelines: [{ type: hashtag, tag: acme }]
    poll_interval_s: 2
    requests_per_5min: 300
    refresh: { enabled: false }
  hackernews:
    queries: ['acme']
    base_url: ${hn.baseUrl}
    hits_per_page: 5
    poll_interval_s: 2
    requests_per_minute: 600
    refresh: { enabled: false }
  youtube:
    video_ids: [soakVideo01]
    base_url: ${youtube.baseUrl}
    poll_interval_s: 2
    max_pages: 20
    refresh: { enabled: false }
  rss:
    feeds: ['${feedUrl}']
    poll_interval_s: 2
    requests_per_minute: 120
`,
    );
    const env = {
      CHDB_PATH: join(dir, 'chdb'),
      EARSHOT_CONFIG: config,
      EARSHOT_DEMO_API_KEY: 'soak-key',
      DEMO_ENABLED: 'false',
      PORT: '0',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
      REDDIT_CLIENT_ID: 'soak-id',
      REDDIT_CLIENT_SECRET: 'soak-secret',
      YOUTUBE_API_KEY: 'soak-key',
    };

    // Run 1: first runs (look-back) and the first live items, then a graceful stop.
    const first = await startEarshot({ ...process.env, ...env }, children);
    await new Promise((r) => setTimeout(r, t0 + 25_000 - Date.now()));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const stoppedAt = Date.now();

    // Down for a few seconds: items keep arriving.
    await new Promise((r) => setTimeout(r, 4_000));
    const second = await startEarshot({ ...process.env, ...env }, children);
    const restartedAfterMs = Date.now() - stoppedAt;

    // Every item is out; wait until each source has answered a few more polls (faults go on).
    const lastAt = t0 + LIVE_ITEMS * LIVE_EVERY_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, lastAt - Date.now())));
    const after = started.map((f) => f.stats.faults.ok);
    await waitFor(
      () => (started.every((f, i) => f.stats.faults.ok >= after[i]! + 4) ? true : null),
      {
        timeoutMs: 90_000,
        what: 'four more answered polls of every source',
      },
    );
    second.child.kill('SIGTERM'); // drains the pipeline: what was produced is stored
    expect(await second.exited).toBe(0);
    const elapsedS = (Date.now() - t0) / 1000;

    const good = items.filter((i) => i.atMs >= t0 - 24 * 3_600_000 && i.atMs <= lastAt);
    const rows = sql(env, 'SELECT source, id FROM mentions FINAL ORDER BY id');
    const raw = sql(env, 'SELECT source, count() AS n FROM mentions GROUP BY source');
    const dead = sql(
      env,
      "SELECT replaceOne(stage, 'ingest:', '') AS source, count() AS n FROM dead_letters FINAL WHERE stage LIKE 'ingest:%' GROUP BY source",
    );
    const output = first.output() + second.output();
    for (const source of SOURCES) {
      const stored = rows.filter((r) => r.source === source).map((r) => String(r.id));
      const scope = source === 'rss' ? feedScope(feedUrl) : '';
      // exactly the expected set: no gaps, nothing older than the look-back, no duplicates
      expect(stored, source).toEqual(expectedIds(source, good, scope));
      expect(new Set(stored).size, source).toBe(stored.length);
      const fake = started[SOURCES.indexOf(source)]!;
      const rawRows = Number(raw.find((r) => r.source === source)?.n ?? 0);
      const deadRows = Number(dead.find((r) => r.source === source)?.n ?? 0);
      expect(deadRows, `${source} dead letters`).toBeGreaterThan(0);
      console.log(
        `[figure] soak ${source}: ${stored.length} mentions stored = expected, ${rawRows} rows before FINAL, ${deadRows} dead letters, ${fake.stats.requests} data requests, faults ${JSON.stringify(
          Object.fromEntries(
            Object.entries(fake.stats.faults).filter(([k, v]) => k !== 'ok' && v > 0),
          ),
        )}`,
      );
    }
    console.log(
      `[figure] soak: ${elapsedS.toFixed(0)} s, restart after ${(restartedAfterMs / 1000).toFixed(1)} s down; retries ${count(output, 'source_request_retry')}, cycle backoffs ${count(output, 'connector_backoff')}, page limits reached ${JSON.stringify(pageLimits(output))}`,
    );
    expect(count(output, 'source_failed')).toBe(0);
  });
});
