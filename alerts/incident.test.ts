import { describe, expect, it } from 'vitest';
import type { Detection } from './detect.ts';
import { excessOf, incidentId, step, type Incident } from './incident.ts';
import { replay } from './replay.ts';
import { MINUTE_MS } from './series.ts';
import { aRule, seriesOf, T0, wobble } from './test-helpers.ts';

const rule = aRule({ cooldown: '30m' });

function det(firing: boolean, observed = firing ? 100 : 50, baseline = 50): Detection {
  return {
    rule_id: rule.id,
    type: rule.type,
    window_end: '',
    window_minutes: 15,
    firing,
    reason: firing ? 'fired' : 'within_baseline',
    metric: 'volume',
    observed,
    baseline,
    z: (observed - baseline) / 5,
    threshold: 4,
    secondary: null,
    baseline_method: 'hour_of_week',
    baseline_samples: 20,
    noise_scale: 5,
    counts: { total: observed, pos: 0, neu: 0, neg: 0, competitors: 0 },
  };
}

/** Feed a script of detections one minute apart; return the events. */
function run(script: Detection[]): Array<{ kind: string; minute: number; id: string }> {
  let open: Incident | null = null;
  const out: Array<{ kind: string; minute: number; id: string }> = [];
  script.forEach((d, minute) => {
    const tr = step(rule, open, d, T0 + minute * MINUTE_MS);
    open = tr.open;
    if (tr.event) out.push({ kind: tr.event.kind, minute, id: tr.event.incident.id });
  });
  return out;
}

const repeat = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('incident state machine', () => {
  it('one incident is one alert: open once, then resolved after the cooldown', () => {
    const events = run([
      ...repeat(3, det(false)),
      ...repeat(20, det(true)),
      ...repeat(40, det(false)),
    ]);
    expect(events.map((e) => [e.kind, e.minute])).toEqual([
      ['open', 3],
      ['resolved', 22 + 30],
    ]);
    expect(events[0]!.id).toBe(events[1]!.id);
  });

  it('an incident found over a window of hours stays open that long, not only the cooldown', () => {
    // A quiet brand's spike seen over a 4-hour window: that window keeps flickering for hours.
    const long = { ...det(true), window_minutes: 240 };
    const events = run([
      ...repeat(3, det(false)),
      ...repeat(5, long),
      ...repeat(120, det(false)),
      ...repeat(5, long),
      ...repeat(300, det(false)),
    ]);
    expect(events.map((e) => [e.kind, e.minute])).toEqual([
      ['open', 3],
      ['resolved', 132 + 240],
    ]);
  });

  it('a window of up to two hours holds an incident for the cooldown only', () => {
    // A busy brand's spike whose peak was its 2-hour share scan: it resolves a cooldown after
    // the last firing, like one found over 15 minutes (the demo's planted spike).
    const scan = { ...det(true), window_minutes: 120 };
    const events = run([...repeat(3, det(false)), ...repeat(5, scan), ...repeat(200, det(false))]);
    expect(events.map((e) => [e.kind, e.minute])).toEqual([
      ['open', 3],
      ['resolved', 7 + 30],
    ]);
  });

  it('a flapping signal inside the cooldown stays one incident', () => {
    const flap = Array.from({ length: 60 }, (_, i) => det(i % 10 < 3));
    const events = run([...flap, ...repeat(40, det(false))]);
    expect(events.filter((e) => e.kind === 'open')).toHaveLength(1);
    expect(events.at(-1)!.kind).toBe('resolved');
  });

  it('sends one update when the incident clearly escalates, not on every bigger window', () => {
    // Opens on a partial window (excess 50), settles at excess 90 within its first window
    // then grows to excess 150 (< 2 × 90: no notice), then to 250 (≥ 180: one update).
    const script = [
      det(true, 100),
      ...repeat(14, det(true, 140)),
      ...repeat(16, det(true, 200)),
      ...repeat(30, det(true, 300)),
    ];
    const kinds = run(script).map((e) => [e.kind, e.minute]);
    expect(kinds).toEqual([
      ['open', 0],
      ['updated', 31],
    ]);
  });

  it('opens again after a resolution (a new incident, a new id)', () => {
    const events = run([det(true), ...repeat(31, det(false)), det(true)]);
    expect(events.map((e) => e.kind)).toEqual(['open', 'resolved', 'open']);
    expect(events[2]!.id).not.toBe(events[0]!.id);
  });

  it('names incidents deterministically by rule and opening minute', () => {
    expect(incidentId(rule, Date.parse('2026-11-21T09:15:00Z'))).toBe('ws.r1.202611210915');
  });

  it('keeps the peak window as the incident evolves', () => {
    let open: Incident | null = null;
    for (const [i, obs] of [100, 180, 120].entries())
      open = step(rule, open, det(true, obs), T0 + i * MINUTE_MS).open;
    expect(open!.peak.observed).toBe(180);
    expect(open!.detection.observed).toBe(100);
  });
});

describe("escalation across the detector's scales", () => {
  it('the same spike seen over 5 and then 60 minutes is not an escalation', () => {
    // 5-minute sub-window: +40 over 5 min; an hour later the 60-minute scale: +480 over 60.
    const early = { ...det(true, 60, 20), window_minutes: 5 };
    const late = { ...det(true, 720, 240), window_minutes: 60 };
    expect(excessOf(late)).toBeCloseTo(excessOf(early), 6);
    const kinds = run([early, ...repeat(20, det(false, 20, 20)), late]).map((e) => e.kind);
    expect(kinds).toEqual(['open']);
    // Twice the rate is one.
    const doubled = { ...det(true, 1200, 240), window_minutes: 60 };
    expect(run([early, ...repeat(20, det(false, 20, 20)), doubled]).map((e) => e.kind)).toEqual([
      'open',
      'updated',
    ]);
  });

  it('proportions are compared as they are', () => {
    const share = { ...det(true, 0.5, 0.25), metric: 'net_sentiment' as const, window_minutes: 60 };
    expect(excessOf(share)).toBeCloseTo(0.25, 6);
  });
});

describe('replay (what the backtest and the harness run)', () => {
  it('raises exactly one alert for one planted spike on a noisy seasonal series', () => {
    const spikeAt = T0 + 15 * 1440 * MINUTE_MS + 10 * 60 * MINUTE_MS;
    const s = seriesOf(16, (i, t) => {
      const base = 4 + Math.floor(wobble(i) * 5) - 2 + (new Date(t).getUTCHours() >= 12 ? 3 : 0);
      return { total: base + (t >= spikeAt && t < spikeAt + 60 * MINUTE_MS ? 6 : 0) };
    });
    const { events } = replay(aRule(), s, T0 + 15 * 1440 * MINUTE_MS, T0 + 16 * 1440 * MINUTE_MS);
    const opens = events.filter((e) => e.kind === 'open');
    expect(opens).toHaveLength(1);
    const ttd = (Date.parse(opens[0]!.at) - spikeAt) / MINUTE_MS;
    expect(ttd).toBeGreaterThan(0);
    expect(ttd).toBeLessThanOrEqual(30);
    expect(events.map((e) => e.kind)).toEqual(['open', 'resolved']);
  });
});
