import { describe, expect, it } from 'vitest';
import { authorPieces, grainFor, type AuthorPiece } from './aggregate.ts';

const at = (hhmm: string, day = 20) =>
  new Date(`2026-11-${String(day).padStart(2, '0')}T${hhmm}:00.000Z`);
const show = (pieces: AuthorPiece[]) =>
  pieces.map((p) => `${p.table} ${p.from.toISOString()} → ${p.to.toISOString()}`);

describe('grainFor: the coarsest table whose grid fits range and buckets', () => {
  it.each([
    ['hour-aligned range, 1 h buckets', at('10:00'), at('12:00'), 3600, 'hour'],
    ['hour-aligned range, 6 h buckets', at('00:00', 13), at('00:00', 20), 21_600, 'hour'],
    ['hour-aligned range, no buckets', at('00:00', 13), at('00:00', 20), undefined, 'hour'],
    ['hour-aligned range, 30 min buckets', at('10:00'), at('12:00'), 1800, 'quarter_hour'],
    ['quarter-aligned range, 1 h buckets', at('10:15'), at('12:15'), 3600, 'quarter_hour'],
    ['quarter-aligned range, 15 min buckets', at('10:45'), at('11:30'), 900, 'quarter_hour'],
    ['5 min buckets', at('10:00'), at('12:00'), 300, 'raw'],
    ['range off the quarter grid', at('10:05'), at('12:05'), 3600, 'raw'],
  ] as const)('%s → %s', (_, from, to, bucket, grain) => {
    expect(grainFor(from, to, bucket)).toBe(grain);
  });
});

describe('authorPieces: whole days, then hours, then quarter hours', () => {
  it('covers a day-aligned range with one daily piece', () => {
    expect(show(authorPieces(at('00:00', 13), at('00:00', 20), false))).toEqual([
      'brand_authors_daily 2026-11-13T00:00:00.000Z → 2026-11-20T00:00:00.000Z',
    ]);
  });

  it('splits ragged edges into hours and quarter hours', () => {
    expect(show(authorPieces(at('22:45', 18), at('01:30', 20), false))).toEqual([
      'brand_quarter_hourly 2026-11-18T22:45:00.000Z → 2026-11-18T23:00:00.000Z',
      'brand_totals_hourly 2026-11-18T23:00:00.000Z → 2026-11-19T00:00:00.000Z',
      'brand_authors_daily 2026-11-19T00:00:00.000Z → 2026-11-20T00:00:00.000Z',
      'brand_totals_hourly 2026-11-20T00:00:00.000Z → 2026-11-20T01:00:00.000Z',
      'brand_quarter_hourly 2026-11-20T01:00:00.000Z → 2026-11-20T01:30:00.000Z',
    ]);
  });

  it('uses hours when no whole day fits, quarter hours when no whole hour fits', () => {
    expect(show(authorPieces(at('10:00'), at('13:00'), false))).toEqual([
      'brand_totals_hourly 2026-11-20T10:00:00.000Z → 2026-11-20T13:00:00.000Z',
    ]);
    expect(show(authorPieces(at('10:15'), at('10:45'), false))).toEqual([
      'brand_quarter_hourly 2026-11-20T10:15:00.000Z → 2026-11-20T10:45:00.000Z',
    ]);
  });

  it('reads the split quarter-hour sketches when filtered by source or language', () => {
    expect(show(authorPieces(at('00:00', 13), at('00:00', 20), true))).toEqual([
      'brand_quarter_hourly 2026-11-13T00:00:00.000Z → 2026-11-20T00:00:00.000Z',
    ]);
  });

  it('reads raw rows off the quarter-hour grid, and nothing for an empty range', () => {
    expect(show(authorPieces(at('10:05'), at('12:00'), false))).toEqual([
      'raw 2026-11-20T10:05:00.000Z → 2026-11-20T12:00:00.000Z',
    ]);
    expect(authorPieces(at('12:00'), at('12:00'), false)).toEqual([]);
  });

  it('pieces are contiguous and cover the range exactly (many random ranges)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const from = Date.UTC(2026, 10, 1) + (next() % 2000) * 900_000;
      const to = from + (1 + (next() % 1500)) * 900_000;
      const pieces = authorPieces(new Date(from), new Date(to), false);
      expect(pieces[0]!.from.getTime()).toBe(from);
      expect(pieces.at(-1)!.to.getTime()).toBe(to);
      for (let i = 1; i < pieces.length; i++)
        expect(pieces[i]!.from.getTime()).toBe(pieces[i - 1]!.to.getTime());
      // At most: quarter, hour, day, hour, quarter.
      expect(pieces.length).toBeLessThanOrEqual(5);
    }
  });
});
