import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './mentions.ts';

const crafted = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');

describe('feed cursors', () => {
  it('decodes the cursors we issue', () => {
    const c = { t: '2026-11-20T10:00:00.000Z', id: 'demo:1', e: 3 };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it.each([
    ['year 0', { t: '0000-01-01T00:00:00.000Z', id: 'x' }],
    ['year 9999', { t: '9999-12-31T23:59:59.999Z', id: 'x' }],
    ['past the JS range of years', { t: '+275760-09-13T00:00:00.000Z', id: 'x' }],
    ['before 2000', { t: '1999-12-31T23:59:59.999Z', id: 'x' }],
    ['an overlong id', { t: '2026-11-20T10:00:00.000Z', id: 'x'.repeat(513) }],
    ['a negative engagement', { t: '2026-11-20T10:00:00.000Z', id: 'x', e: -1 }],
  ])('refuses a crafted cursor with %s (it reached the engine, a 500)', (_label, c) => {
    expect(decodeCursor(crafted(c))).toBeNull();
  });

  it('refuses garbage', () => {
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });
});
