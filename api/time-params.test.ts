import { describe, expect, it } from 'vitest';
import { resolveRange, TimeSchema } from './time-params.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const time = (s: string) => TimeSchema.parse(s);

describe('time parameters', () => {
  it('refuses an empty or overlong time at parse (it became an Invalid Date, a 500)', () => {
    expect(TimeSchema.safeParse('').success).toBe(false);
    expect(TimeSchema.safeParse(`2026-11-20T10:00:00Z${' '.repeat(100)}`).success).toBe(false);
    expect(TimeSchema.safeParse('now-24h').success).toBe(true);
  });

  it.each([
    ['from', { from: time('0000-01-01T00:00:00Z') }],
    ['from', { from: time('1999-12-31T23:59:59Z') }],
    ['from', { from: time('now-9999w') }],
    ['to', { to: time('9999-12-31T23:59:59Z') }],
    ['to', { from: time('2026-11-20T00:00:00Z'), to: time('+275760-09-13T00:00:00.000Z') }],
    ['to', { from: time('2099-12-31T00:00:00Z'), to: time('2100-01-01T00:00:00Z') }],
  ])('a %s outside 2000–2100 is an error naming it and the accepted range', (name, q) => {
    const r = resolveRange(q, NOW);
    expect(r).toMatchObject({
      parameter: name,
      error: expect.stringMatching(
        new RegExp(
          `^${name}: .* is out of range: must be between 2000-01-01T00:00:00.000Z and 2100-01-01T00:00:00.000Z$`,
        ),
      ) as unknown,
    });
  });

  it('names both when from and to are out of range', () => {
    const r = resolveRange(
      { from: time('9999-12-30T00:00:00Z'), to: time('9999-12-31T00:00:00Z') },
      NOW,
    );
    expect(r).toMatchObject({
      parameter: 'from',
      details: [{ parameter: 'from' }, { parameter: 'to' }],
    });
  });

  it('accepts the edges of the window', () => {
    for (const [from, to] of [
      ['2000-01-01T00:00:00Z', '2000-01-08T00:00:00Z'],
      ['2099-12-24T00:00:00Z', '2099-12-31T23:59:59Z'],
    ] as const)
      expect(resolveRange({ from: time(from), to: time(to) }, NOW)).toHaveProperty('intervalMs');
    // The default `from` (a day before `to`) stays inside the window.
    expect(resolveRange({ to: time('2000-01-01T06:00:00Z') }, NOW)).toMatchObject({
      from: new Date('2000-01-01T00:00:00Z'),
    });
    expect(resolveRange({}, NOW)).toMatchObject({ to: NOW });
  });
});
