import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import {
  readFixture,
  startHttpReplay,
  startJetstreamReplay,
  type HttpReplayServer,
  type JetstreamReplay,
} from '../test/support/replay-servers.ts';
import { runDryRun } from './dry-run.ts';

describe('runDryRun (earshot ingest <source> --dry-run)', () => {
  let http: HttpReplayServer | undefined;
  let jet: JetstreamReplay | undefined;
  afterEach(async () => {
    await http?.close();
    await jet?.close();
    http = jet = undefined;
  });

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      sinks: {
        out: (l: string) => out.push(l),
        err: (l: string) => err.push(l),
        logger: silentLogger(),
      },
    };
  };

  it('prints normalized mentions as JSONL, dead letters on stderr, honours --limit and --set', async () => {
    http = await startHttpReplay(() => ({ body: readFixture('rss/news.rss.xml') }));
    const { out, err, sinks } = io();
    const result = await runDryRun({
      source: 'rss',
      sources: {},
      env: {},
      set: [`feeds=["${http.baseUrl}/a.xml"]`],
      limit: 10,
      ...sinks,
    });
    expect(result).toEqual({ produced: 3, deadLettered: 1 });
    expect(out.map((l) => (JSON.parse(l) as { source: string }).source)).toEqual([
      'rss',
      'rss',
      'rss',
    ]);
    expect(JSON.parse(err[0]!)).toMatchObject({
      dead_letter: { source: 'rss', reason: 'unreadable pubDate' },
    });

    const limited = io();
    await runDryRun({
      source: 'rss',
      sources: { rss: { feeds: ['https://unused.example/x'] } },
      env: {},
      baseUrl: `${http.baseUrl}/b.xml`,
      limit: 2,
      ...limited.sinks,
    });
    expect(limited.out).toHaveLength(2);
  });

  it('stops a stream at the limit', async () => {
    jet = await startJetstreamReplay(
      readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n'),
    );
    const { out, sinks } = io();
    const result = await runDryRun({
      source: 'bluesky',
      sources: { bluesky: { enabled: false, batch_size: 1, resolve_profiles: false } },
      env: {},
      baseUrl: jet.url,
      limit: 2,
      ...sinks,
    });
    expect(result.produced).toBe(2);
    expect(out).toHaveLength(2);
  });

  it('explains what a source needs', async () => {
    const { sinks } = io();
    await expect(
      runDryRun({ source: 'youtube', sources: {}, env: {}, limit: 1, ...sinks }),
    ).rejects.toThrow(/list at least one of video_ids or channel_ids/);
    await expect(
      runDryRun({
        source: 'reddit',
        sources: {},
        env: {},
        set: ['user_agent=linux:a:1 (by /u/me)', 'queries=[acme]'],
        limit: 1,
        ...sinks,
      }),
    ).rejects.toThrow(/env REDDIT_CLIENT_ID/);
    await expect(
      runDryRun({ source: 'twitter', sources: {}, env: {}, limit: 1, ...sinks }),
    ).rejects.toThrow(/unknown source "twitter"/);
  });
});
