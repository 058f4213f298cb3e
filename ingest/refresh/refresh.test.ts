import { describe, expect, it } from 'vitest';
import type { Mention } from '../../core/contracts/mention.ts';
import { MentionSchema } from '../../core/contracts/mention.ts';
import type { Connector } from '../connector.ts';
import type { IngestPorts } from '../ports.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { RefreshConfigSchema } from './config.ts';
import { createRefresher } from './refresher.ts';
import { RefreshSchedule } from './schedule.ts';
import { HOUR_MS as H, MINUTE_MS as MIN } from '../../core/duration.ts';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const AGES = [15 * MIN, H, 6 * H, 24 * H];

describe('refresh schedule', () => {
  it('re-reads a new mention at each age, then forgets it', () => {
    const s = new RefreshSchedule({ ages: AGES, maxTracked: 10 });
    s.track('a', T0, T0 + MIN);
    expect(s.takeDue(T0 + 14 * MIN, 10)).toEqual([]);
    expect(s.nextDueMs()).toBe(T0 + 15 * MIN);
    const taken = [15 * MIN, H, 6 * H, 24 * H].map((age) => s.takeDue(T0 + age, 10));
    expect(taken).toEqual([['a'], ['a'], ['a'], ['a']]);
    expect(s.size).toBe(0);
  });

  it('reads a mention found late once now, then on the schedule; a settled one never', () => {
    const s = new RefreshSchedule({ ages: AGES, maxTracked: 10 });
    s.track('late', T0, T0 + 3 * H); // past 15 min and 1 h
    s.track('settled', T0, T0 + 25 * H);
    expect(s.size).toBe(1);
    expect(s.takeDue(T0 + 3 * H, 10)).toEqual(['late']);
    expect(s.nextDueMs()).toBe(T0 + 6 * H);
  });

  it('skips the ages that passed while a mention waited (an outage)', () => {
    const s = new RefreshSchedule({ ages: AGES, maxTracked: 10 });
    s.track('a', T0, T0);
    expect(s.takeDue(T0 + 7 * H, 10)).toEqual(['a']);
    expect(s.nextDueMs()).toBe(T0 + 24 * H);
  });

  it('takes the most overdue first, at most `limit`, and tracks an id once', () => {
    const s = new RefreshSchedule({ ages: AGES, maxTracked: 10 });
    s.track('b', T0 + MIN, T0 + MIN);
    s.track('a', T0, T0);
    s.track('a', T0, T0 + 2 * MIN);
    s.track('c', T0 + 2 * MIN, T0 + 2 * MIN);
    expect(s.takeDue(T0 + H, 2)).toEqual(['a', 'b']);
    expect(s.takeDue(T0 + H, 2)).toEqual(['c']);
  });

  it('retries a failed read later and keeps the ages after it', () => {
    const s = new RefreshSchedule({ ages: AGES, maxTracked: 10 });
    s.track('a', T0, T0);
    s.track('z', T0 - 23 * H, T0); // found late: read now, then only at 24 h
    expect(s.takeDue(T0 + 15 * MIN, 10)).toEqual(['z', 'a']);
    s.retry(['a'], T0 + 20 * MIN);
    expect(s.takeDue(T0 + 20 * MIN, 10)).toEqual(['a']);
    expect(s.nextDueMs()).toBe(T0 + H);
    expect(s.takeDue(T0 + H, 10)).toEqual(['a', 'z']);
    expect(s.size).toBe(1); // z had its last read
    s.retry(['z'], T0 + H + 5 * MIN); // that one failed: one more try
    expect(s.takeDue(T0 + H + 5 * MIN, 10)).toEqual(['z']);
    expect(s.size).toBe(1);
  });

  it('forgets the first tracked beyond its bound', () => {
    const s = new RefreshSchedule({ ages: AGES, maxTracked: 2 });
    s.track('a', T0, T0);
    s.track('b', T0, T0);
    s.track('c', T0, T0);
    expect(s.takeDue(T0 + H, 10)).toEqual(['b', 'c']);
  });
});

describe('refresh config', () => {
  it('defaults to 15m, 1h, 6h and 24h, and names what is wrong', () => {
    expect(RefreshConfigSchema.parse(undefined)).toEqual({
      enabled: true,
      after: AGES,
      max_tracked: 50_000,
      max_per_minute: 1_000,
    });
    const bad = RefreshConfigSchema.safeParse({ after: ['15 minutes'] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/15m, 1h/);
  });
});

/** A source whose posts gain a like per read; `fail` makes the next reads throw. */
function likingSource(batchSize: number) {
  const likes = new Map<string, number>();
  const calls: string[][] = [];
  const state = { fail: 0 };
  const mention = (id: string, n: number): Mention =>
    MentionSchema.parse({
      id,
      source: 'reddit',
      text: `post ${id}`,
      created_at: new Date(T0).toISOString(),
      engagement: { likes: n },
    });
  const connector: Connector = {
    source: 'reddit',
    refreshBatchSize: batchSize,
    async run(ports: IngestPorts) {
      await ports.produce(
        ['reddit:t3_a', 'reddit:t3_b', 'reddit:t3_c'].map((id) => mention(id, 0)),
      );
    },
    refresh(ids: readonly string[]) {
      calls.push([...ids]);
      if (state.fail > 0) {
        state.fail--;
        return Promise.reject(new Error('source down'));
      }
      // t3_c was deleted at the source: left out.
      const fresh = ids
        .filter((id) => id !== 'reddit:t3_c')
        .map((id) => {
          likes.set(id, (likes.get(id) ?? 0) + 1);
          return mention(id, likes.get(id)!);
        });
      return Promise.resolve(fresh);
    },
  };
  return { connector, calls, state };
}

describe('refresher', () => {
  it('schedules what the connector produces and produces what the source says now', async () => {
    let now = T0;
    const rec = recordingPorts({ now: () => new Date(now) });
    const src = likingSource(2);
    const config = RefreshConfigSchema.parse({ after: ['15m', '1h'] });
    // Each tick of the loop is a minute of fake time; ticks stop after 70 minutes.
    const refresher = createRefresher(src.connector, rec.ports, config, {
      tickMs: MIN,
      sleep: () => {
        now += MIN;
        if (now > T0 + 70 * MIN) rec.controller.abort();
        return Promise.resolve();
      },
    })!;
    await src.connector.run(refresher.ports);
    expect(refresher.schedule.size).toBe(3);
    src.state.fail = 1; // the first read at 15 min fails: retried 5 min later
    await refresher.run();
    expect(src.calls).toEqual([
      ['reddit:t3_a', 'reddit:t3_b'], // 15 min, failed: all three retried
      ['reddit:t3_a', 'reddit:t3_b'], // 20 min
      ['reddit:t3_c'],
      ['reddit:t3_a', 'reddit:t3_b'], // 1 h
      ['reddit:t3_c'],
    ]);
    const refreshed = rec.produced.slice(3).map((m) => [m.id, m.engagement.likes]);
    expect(refreshed).toEqual([
      ['reddit:t3_a', 1],
      ['reddit:t3_b', 1],
      ['reddit:t3_a', 2],
      ['reddit:t3_b', 2],
    ]);
    expect(rec.produced.map((m) => m.refresh)).toEqual([
      undefined,
      undefined,
      undefined,
      true,
      true,
      true,
      true,
    ]);
    expect(refresher.schedule.size).toBe(0);
  });

  it('does not schedule what the source says cannot change', async () => {
    const rec = recordingPorts({ now: () => new Date(T0) });
    const src = likingSource(2);
    const connector: Connector = { ...src.connector, refreshable: (m) => m.id !== 'reddit:t3_b' };
    const refresher = createRefresher(connector, rec.ports, RefreshConfigSchema.parse({}))!;
    await connector.run(refresher.ports);
    expect(rec.produced).toHaveLength(3);
    expect(refresher.schedule.takeDue(T0 + 15 * MIN, 10)).toEqual(['reddit:t3_a', 'reddit:t3_c']);
  });

  it('is off for a connector that cannot re-read, or when the config says so', () => {
    const rec = recordingPorts();
    const plain: Connector = { source: 'rss', run: () => Promise.resolve() };
    const on = RefreshConfigSchema.parse({});
    expect(createRefresher(plain, rec.ports, on)).toBeNull();
    const off = RefreshConfigSchema.parse({ enabled: false });
    expect(createRefresher(likingSource(2).connector, rec.ports, off)).toBeNull();
  });
});
