import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import type { QueryParams } from '../store/port.ts';
import { saveIncident } from '../store/queries/alerts-store.ts';
import { mulberry32 } from '../core/random.ts';
import { parseAlertsConfig } from './config.ts';
import { detect } from './detect.ts';
import { Evaluator } from './evaluator.ts';
import { replay } from './replay.ts';
import { allRules } from './rules.ts';
import { MinuteSeries, MINUTE_MS, type MinuteRow } from './series.ts';
import { EvaluatorStore, quietMinute } from './test-helpers.ts';

/**
 * The evaluator's own logic (caching, restarts, backfills) against an in-memory stand-in for
 * the store that answers the handful of alert queries; the real SQL is covered by
 * test/integration/alerts.int.test.ts.
 */
/** Workspace `w` with brand `b` and these lines of its alerts section (no default rules). */
const configWith = (alerts: string) =>
  parseEarshotConfig(`
workspaces:
  - id: w
    name: W
    brands: [{ id: b, name: B, query: 'B' }]
alerts:
  default_rules: false
${alerts}
`);

const config = configWith(`
  defaults: { sensitivity: medium, min_volume: 20, cooldown: 1h }
  rules: [{ id: neg, brand: b, type: negative_spike }]`);

const NOW = Date.parse('2026-11-21T12:00:00Z');
const SPIKE_FROM = NOW - 16 * MINUTE_MS;

/** 4 mentions a minute, one of them negative, plus `extra(t)` negatives in minute t. */
class FakeStore extends EvaluatorStore {
  /** `extra(t)` defaults to 6 a minute from SPIKE_FROM on; the data to three hours. */
  constructor(private readonly extra: (t: number) => number = (t) => (t >= SPIKE_FROM ? 6 : 0)) {
    super(NOW - 3 * 3_600_000);
  }
  protected minuteRows(_params: QueryParams, fromMs: number, toMs: number) {
    const rows = [];
    for (let t = fromMs; t < toMs; t += MINUTE_MS) {
      const extra = this.extra(t);
      rows.push({ t, own: 1, total: 4 + extra, pos: 2, neu: 1, neg: 1 + extra });
    }
    return rows;
  }
}

describe('Evaluator', () => {
  it('sees history that arrives after its first tick (the demo backfill), then alerts once', async () => {
    const store = new FakeStore();
    const evaluator = new Evaluator({ store, config: () => config, logger: silentLogger() });
    // First tick: only three hours stored so far, the baseline needs a day: silent.
    const first = await evaluator.tick(new Date(NOW - 20 * MINUTE_MS));
    expect(first.detections[0]).toMatchObject({ firing: false, reason: 'insufficient_history' });
    // The backfill completes: three days. The next ticks must use them.
    store.dataStart = NOW - 3 * 86_400_000;
    const kinds: string[] = [];
    for (let t = NOW - 19 * MINUTE_MS; t <= NOW; t += MINUTE_MS) {
      const r = await evaluator.tick(new Date(t + MINUTE_MS));
      kinds.push(...r.events.map((e) => e.kind));
    }
    expect(kinds).toEqual(['open']);
    const incidents = store.inserts.filter((i) => i.table === 'alert_incidents');
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.rows[0]).toMatchObject({ rule_id: 'neg', brand: 'b', state: 'open' });
    expect(store.inserts.filter((i) => i.table === 'alert_events')).toHaveLength(1);
  }, 60_000); // replays three days of history: seconds on a loaded machine
});

describe('Evaluator history', () => {
  it('raises an incident found in past windows as historical, stored but not sent when old', async () => {
    const historyConfig = configWith(`
  channels: [{ id: hook, type: webhook, url: 'http://127.0.0.1:9/hook' }]
  rules: [{ id: neg, brand: b, type: negative_spike }]`);
    // The spike happened five hours ago, in data that was all stored before the first tick
    // (an import, the demo's first start): the live window alone would never see it.
    const spikeFrom = NOW - 5 * 3_600_000;
    const store = new FakeStore((t) => (t >= spikeFrom && t < spikeFrom + 60 * MINUTE_MS ? 6 : 0));
    store.dataStart = NOW - 3 * 86_400_000;
    const sent: string[] = [];
    const evaluator = new Evaluator({
      store,
      config: () => historyConfig,
      logger: silentLogger(),
      env: {},
      fetch: (url) => {
        sent.push(url instanceof Request ? url.url : url.toString());
        return Promise.resolve(new Response('ok'));
      },
    });
    // The first tick sees the data start; the history is replayed once it held still a tick.
    await evaluator.tick(new Date(NOW - MINUTE_MS));
    expect(store.inserts).toEqual([]);
    const r = await evaluator.tick(new Date(NOW));
    await evaluator.drain();
    expect(r.events).toEqual([]); // nothing live
    const saved = store.inserts
      .filter((i) => i.table === 'alert_incidents')
      .flatMap((i) => i.rows) as Array<Record<string, unknown>>;
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.at(-1)).toMatchObject({ rule_id: 'neg', state: 'resolved', historical: true });
    const opened = Date.parse(String(saved[0]!.opened_at).replace(' ', 'T') + 'Z');
    expect(opened).toBeGreaterThan(spikeFrom);
    expect(opened).toBeLessThanOrEqual(spikeFrom + 30 * MINUTE_MS);
    const events = store.inserts
      .filter((i) => i.table === 'alert_events')
      .flatMap((i) => i.rows) as Array<Record<string, unknown>>;
    expect(events.map((e) => e.kind)).toEqual(['open', 'resolved']);
    expect(sent).toEqual([]); // older than notify_max_age (1h): not sent
    // The next tick does not find it again.
    const before = store.inserts.length;
    await evaluator.tick(new Date(NOW + MINUTE_MS));
    expect(store.inserts.length).toBe(before);
  }, 60_000);

  it('a replay over more history finds a stored incident again, opened at another step: still one incident', async () => {
    // The demo's backfill moves the data start back hour by hour, and each move replays the
    // history: a baseline of more days can open the same spike five minutes earlier or later,
    // under another id. Stored once, it must not come back as a second card.
    const spikeFrom = NOW - 5 * 3_600_000;
    const store = new FakeStore((t) => (t >= spikeFrom && t < spikeFrom + 60 * MINUTE_MS ? 6 : 0));
    store.dataStart = NOW - 3 * 86_400_000;
    const iso = (t: number) => new Date(t).toISOString();
    const detection = { rule_id: 'neg', type: 'negative_spike', window_end: iso(spikeFrom) };
    await saveIncident(store, {
      workspace: 'w',
      id: 'w.neg.earlier-replay',
      rule_id: 'neg',
      brand: 'b',
      type: 'negative_spike',
      state: 'resolved',
      opened_at: iso(spikeFrom + 20 * MINUTE_MS),
      updated_at: iso(spikeFrom + 90 * MINUTE_MS),
      resolved_at: iso(spikeFrom + 90 * MINUTE_MS),
      last_firing_at: iso(spikeFrom + 50 * MINUTE_MS),
      detection,
      peak: detection,
      context: null,
      updates: 0,
      acked_at: null,
      acked_by: null,
      historical: true,
    });
    const evaluator = new Evaluator({ store, config: () => config, logger: silentLogger() });
    await evaluator.tick(new Date(NOW - MINUTE_MS));
    await evaluator.tick(new Date(NOW));
    const ids = new Set(
      store.inserts
        .filter((i) => i.table === 'alert_incidents')
        .flatMap((i) => i.rows as Array<{ id: string }>)
        .map((r) => r.id),
    );
    expect([...ids]).toEqual(['w.neg.earlier-replay']);
    expect(store.inserts.filter((i) => i.table === 'alert_events')).toEqual([]);

    // Without the stored one, the same replay does raise it (what the test above relies on).
    const fresh = new FakeStore((t) => (t >= spikeFrom && t < spikeFrom + 60 * MINUTE_MS ? 6 : 0));
    fresh.dataStart = store.dataStart;
    const another = new Evaluator({ store: fresh, config: () => config, logger: silentLogger() });
    await another.tick(new Date(NOW - MINUTE_MS));
    await another.tick(new Date(NOW));
    const raised = fresh.inserts
      .filter((i) => i.table === 'alert_incidents')
      .flatMap((i) => i.rows as Array<{ id: string; opened_at: string }>);
    expect(new Set(raised.map((r) => r.id)).size).toBe(1);
    expect(raised[0]!.id).not.toBe('w.neg.earlier-replay');
  }, 60_000);

  it('a backfill arriving hour by hour: the history waits until it holds still, and the spike is one incident', async () => {
    const spikeFrom = NOW - 5 * 3_600_000;
    const store = new FakeStore((t) => (t >= spikeFrom && t < spikeFrom + 60 * MINUTE_MS ? 6 : 0));
    const evaluator = new Evaluator({ store, config: () => config, logger: silentLogger() });
    let t = NOW;
    for (let hours = 50; hours <= 72; hours++) {
      store.dataStart = NOW - hours * 3_600_000;
      await evaluator.tick(new Date(t));
      t += MINUTE_MS;
    }
    // While the data start moves, the history waits: a replay over part of it opens the spike
    // late (its first windows are still learning) and finds its tail again later.
    expect(store.inserts.filter((i) => i.table === 'alert_incidents')).toEqual([]);
    await evaluator.tick(new Date(t));
    await evaluator.tick(new Date(t + MINUTE_MS));
    const incidents = store.inserts
      .filter((i) => i.table === 'alert_incidents')
      .flatMap((i) => i.rows as Array<{ id: string; historical: boolean }>);
    expect(new Set(incidents.map((r) => r.id)).size).toBe(1);
    expect(incidents.every((r) => r.historical)).toBe(true);
  }, 120_000);

  it('a spike that opens in the same tick as a history replay is live, not historical', async () => {
    // The storm began eight minutes before the evaluated window's end, and the first tick (or a
    // backfill) replays the history up to that end: the replay's last step finds it first.
    const endMs = NOW - MINUTE_MS; // the default settle is one minute
    const stormFrom = endMs - 8 * MINUTE_MS; // the replay steps at :55, four minutes in
    const store = new FakeStore((t) => (t >= stormFrom ? 40 : 0));
    store.dataStart = NOW - 3 * 86_400_000;
    const evaluator = new Evaluator({ store, config: () => config, logger: silentLogger() });
    // A tick before the storm sees the data start; the next replays the history (it has held
    // still) and evaluates live, in the same tick.
    await evaluator.tick(new Date(stormFrom - MINUTE_MS));
    await evaluator.tick(new Date(NOW));
    const saved = store.inserts
      .filter((i) => i.table === 'alert_incidents')
      .flatMap((i) => i.rows) as Array<Record<string, unknown>>;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ rule_id: 'neg', state: 'open', historical: false });
  }, 60_000);
});

describe('Evaluator after a restart', () => {
  it('does not page again for the excess of an incident it resolved before the restart', async () => {
    // A quiet brand (3 mentions an hour) with a viral post: ten more an hour for two hours.
    // The incident that reported it resolved before the restart; 4 h 35 min after the post
    // began, the four-hour window still holds the post (alerts/detect.test.ts, "an excess
    // already reported").
    const start = Date.parse('2026-01-05T00:00:00Z');
    const viralAt = start + (12 * 1440 + 9 * 60) * MINUTE_MS;
    const rng = mulberry32(4);
    const rows: MinuteRow[] = [];
    for (let t = start; t < viralAt + 6 * 3_600_000; t += MINUTE_MS) {
      const on = t >= viralAt && t < viralAt + 2 * 3_600_000;
      rows.push({ t, ...quietMinute(rng, 3 + (on ? 10 : 0)), competitors: 0 });
    }
    class QuietStore extends EvaluatorStore {
      protected minuteRows(_params: QueryParams, fromMs: number, toMs: number) {
        return rows.filter((r) => r.t >= fromMs && r.t < toMs).map((r) => ({ ...r, own: 1 }));
      }
    }
    const volumeConfig = configWith(`
  defaults: { sensitivity: medium, cooldown: 1h }
  rules: [{ id: vol, brand: b, type: volume_spike }]`);
    const rule = (
      await allRules(new QuietStore(start), volumeConfig, parseAlertsConfig(volumeConfig))
    )[0]!;
    const series = new MinuteSeries(start, viralAt + 6 * 3_600_000, rows);
    const { events } = replay(rule, series, viralAt - 3_600_000, viralAt + 4 * 3_600_000, {
      stepMs: 5 * MINUTE_MS,
    });
    const resolved = events.find((e) => e.kind === 'resolved')!.incident;
    const again = viralAt + 275 * MINUTE_MS;
    expect(detect(rule, series, again).firing).toBe(true); // the window that would page again

    for (const remembers of [true, false]) {
      const store = new QuietStore(start);
      if (remembers) await saveIncident(store, { ...resolved, context: null, historical: false });
      const evaluator = new Evaluator({
        store,
        config: () => volumeConfig,
        logger: silentLogger(),
      });
      const r = await evaluator.tick(new Date(again + MINUTE_MS)); // the default settle: a minute
      expect(r.detections[0]!.window_end).toBe(new Date(again).toISOString());
      expect(r.events.map((e) => e.kind)).toEqual(remembers ? [] : ['open']);
    }
  }, 60_000);
});
