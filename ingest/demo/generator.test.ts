import { describe, expect, it } from 'vitest';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { RefreshConfigSchema } from '../refresh/config.ts';
import { createRefresher } from '../refresh/refresher.ts';
import { createDemoConnector, range } from './connector.ts';
import { engagementAt, mentionsByIds, mentionsForMinute } from './generator.ts';
import { HOUR_MS as H, MINUTE_MS as MIN } from '../../core/duration.ts';

const options = { ratePerMinute: 20, incident: null };
const minute = Math.floor(Date.parse('2026-11-18T14:00:00Z') / 60_000);

describe('demo generator', () => {
  it('is deterministic: the same minute yields the same mentions', () => {
    expect(mentionsForMinute(minute, options)).toEqual(mentionsForMinute(minute, options));
  });

  it('yields valid, synthetic mentions in many languages', () => {
    const mentions = range(minute * 60_000, (minute + 240) * 60_000, options);
    expect(mentions.length).toBeGreaterThan(2_000);
    for (const m of mentions) expect(MentionSchema.parse(m)).toEqual(m);
    expect(mentions.every((m) => m.synthetic && m.id.startsWith('demo:'))).toBe(true);
    const langs = new Set(mentions.map((m) => m.url!.split('/')[3]));
    for (const l of ['en', 'de', 'el', 'sl', 'fa']) expect(langs).toContain(l);
    expect(new Set(mentions.map((m) => m.id)).size).toBe(mentions.length);
  });

  it('plants the incident: many more Nimbus mentions while it lasts', () => {
    const start = new Date(minute * 60_000);
    const withIncident = {
      ratePerMinute: 20,
      incident: { brand: 'nimbus', start, durationMinutes: 60, volumeFactor: 5 },
    };
    const during = range(start.getTime(), start.getTime() + 3_600_000, withIncident);
    const normal = range(start.getTime(), start.getTime() + 3_600_000, options);
    const nimbus = (ms: typeof during) => ms.filter((m) => m.text.includes('Nimbus')).length;
    expect(nimbus(during)).toBeGreaterThan(3 * nimbus(normal));
    // Outside the incident window nothing changes.
    const after = start.getTime() + 7_200_000;
    expect(range(after, after + 600_000, withIncident)).toEqual(
      range(after, after + 600_000, options),
    );
  });
});

describe('demo engagement', () => {
  const settled = { likes: 100, reposts: 40, replies: 7, views: null };

  it('grows with age from nothing to the settled counts, never shrinking', () => {
    expect(engagementAt(settled, 0)).toEqual({ likes: 0, reposts: 0, replies: 0, views: null });
    expect(engagementAt(settled, 2 * H)).toEqual({
      likes: 50,
      reposts: 20,
      replies: 3,
      views: null,
    });
    expect(engagementAt(settled, 48 * H)).toEqual({
      likes: 99,
      reposts: 39,
      replies: 6,
      views: null,
    });
    let last = engagementAt(settled, 0);
    for (let age = 60_000; age <= 24 * H; age += 600_000) {
      const e = engagementAt(settled, age);
      expect(e.likes).toBeGreaterThanOrEqual(last.likes);
      expect(e.reposts).toBeGreaterThanOrEqual(last.reposts);
      expect(e.replies).toBeGreaterThanOrEqual(last.replies);
      last = e;
    }
  });

  it('finds a mention again by its id, incident mentions included', () => {
    const start = new Date(minute * 60_000);
    const withIncident = {
      ratePerMinute: 20,
      incident: { brand: 'nimbus', start, durationMinutes: 10, volumeFactor: 5 },
    };
    const all = range(start.getTime(), start.getTime() + 600_000, withIncident);
    const ids = all.map((m) => m.id).reverse();
    expect(mentionsByIds(ids, withIncident)).toEqual([...all].reverse());
    expect(all.some((m) => m.engagement.likes > 0)).toBe(true);
    // Ids the generator never made are left out.
    expect(
      mentionsByIds([`demo:${minute}-9999`, 'reddit:t3_abc', ids[0]!], withIncident).map(
        (m) => m.id,
      ),
    ).toEqual([ids[0]]);
  });

  it('emits what a reader sees now, and the refresher reads the likes that came since', async () => {
    const T0 = (minute + 60) * MIN;
    let now = T0;
    const rec = recordingPorts({ now: () => new Date(now) });
    const demo = createDemoConnector({ ...options, backfillHours: 1, tickMs: 10 });
    const stopRefresh = new AbortController();
    const refresher = createRefresher(demo, rec.ports, RefreshConfigSchema.parse({}), {
      tickMs: MIN,
      sleep: () => {
        now += MIN; // each tick of the refresher is a minute of fake time
        if (now > T0 + 3 * 60 * MIN) stopRefresh.abort();
        return Promise.resolve();
      },
    })!;
    // The last hour's backfill, then stop (the live loop would wait on the real clock).
    const stopDemo = new AbortController();
    const running = demo.run({ ...refresher.ports, signal: stopDemo.signal });
    while ((await rec.cursors.get('demo', 'live_until')) === null)
      await new Promise((r) => setTimeout(r, 5));
    stopDemo.abort();
    await running;
    const first = rec.produced.slice();
    expect(first.length).toBeGreaterThan(500);
    const settledOf = (id: string) => mentionsByIds([id], options)[0]!.engagement;
    // Emitted as read at T0: posts under 10 minutes old have only a few of their likes.
    const young = first.filter((m) => T0 - Date.parse(m.created_at) < 10 * MIN);
    const likes = (ms: typeof first, of: (m: (typeof first)[number]) => number) =>
      ms.reduce((a, m) => a + of(m), 0);
    expect(likes(young, (m) => m.engagement.likes)).toBeLessThan(
      0.1 * likes(young, (m) => settledOf(m.id).likes),
    );

    // Three hours of re-reads: every post at 1 h of age at least.
    await refresher.run(stopRefresh.signal);
    const reread = rec.produced.slice(first.length);
    expect(reread.every((m) => m.refresh === true)).toBe(true);
    expect(new Set(reread.map((m) => m.id)).size).toBe(first.length);
    const byId = new Map(first.map((m) => [m.id, m]));
    let grew = 0;
    for (const m of reread) {
      const before = byId.get(m.id)!;
      expect(m.engagement.likes).toBeGreaterThanOrEqual(before.engagement.likes);
      expect(m.engagement.likes).toBeLessThanOrEqual(settledOf(m.id).likes);
      expect(Date.parse(m.fetched_at!)).toBeGreaterThanOrEqual(T0);
      if (m.engagement.likes > before.engagement.likes) grew++;
    }
    expect(grew).toBeGreaterThan(first.length / 2);
  });
});
