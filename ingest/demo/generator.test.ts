import { describe, expect, it } from 'vitest';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { range } from './connector.ts';
import { mentionsForMinute } from './generator.ts';

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
