import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, extractKey, navigate, parseHash, toHash, type ViewState } from './state.ts';

describe('parseHash', () => {
  it('gives the overview with defaults for an empty hash', () => {
    expect(parseHash('')).toEqual(DEFAULT_STATE);
    expect(parseHash('#/')).toEqual(DEFAULT_STATE);
  });

  it('reads a brand page with feed filters', () => {
    const s = parseHash('#/brand/aurora?period=7d&sentiment=neg&lang=de&q=battery');
    expect(s).toMatchObject({
      page: 'brand',
      brand: 'aurora',
      period: '7d',
      sentiment: 'neg',
      lang: 'de',
      q: 'battery',
    });
  });

  it('reads and writes the own-accounts filter of the feed', () => {
    const s = parseHash('#/brand/aurora?owned=true');
    expect(s.owned).toBe('true');
    expect(toHash(s)).toBe('#/brand/aurora?owned=true');
    expect(parseHash('#/brand/aurora?owned=false').owned).toBe('false');
    expect(parseHash('#/brand/aurora?owned=maybe').owned).toBeNull();
  });

  it('reads and writes the tag, bookmarked and hidden filters, and the Muted page', () => {
    const s = parseHash('#/brand/aurora?tag=follow-up&bookmarked=true&hidden=true');
    expect(s).toMatchObject({ tag: 'follow-up', bookmarked: true, hidden: true });
    expect(toHash(s)).toBe('#/brand/aurora?tag=follow-up&bookmarked=true&hidden=true');
    expect(parseHash('#/brand/aurora?bookmarked=yes').bookmarked).toBe(false);
    expect(parseHash('#/muted').page).toBe('muted');
    expect(toHash(navigate(s, 'muted'))).toBe('#/muted');
  });

  it('falls back to defaults for unknown or malformed values', () => {
    const s = parseHash('#/nowhere?period=2y&sentiment=angry&refresh=7&from=yesterday&to=now');
    expect(s).toMatchObject({
      page: 'overview',
      period: '24h',
      sentiment: null,
      refresh: 0,
      from: null,
      to: null,
    });
    expect(parseHash('#/brand').page).toBe('overview');
  });

  it('keeps an absolute range only when from is before to', () => {
    expect(parseHash('#/?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z')).toMatchObject({
      from: '2026-11-20T00:00:00Z',
      to: '2026-11-21T00:00:00Z',
    });
    expect(parseHash('#/?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z')).toMatchObject({
      from: null,
      to: null,
    });
  });

  it('reads compare brands, trimmed and capped', () => {
    expect(parseHash('#/compare?brands=aurora, nimbus,,zephyr').brands).toEqual([
      'aurora',
      'nimbus',
      'zephyr',
    ]);
    const many = Array.from({ length: 30 }, (_, i) => `b${i}`).join(',');
    expect(parseHash(`#/compare?brands=${many}`).brands).toHaveLength(12);
  });
});

describe('toHash', () => {
  it('round-trips every page', () => {
    const states: Partial<ViewState>[] = [
      { page: 'overview', period: '7d', refresh: 60 },
      {
        page: 'brand',
        brand: 'nimbus',
        sentiment: 'pos',
        source: 'bluesky',
        topic: 'battery-life',
        sort: 'engagement',
        feedFrom: '2026-11-20T03:00:00.000Z',
        feedTo: '2026-11-20T04:00:00.000Z',
      },
      {
        page: 'compare',
        brands: ['aurora', 'zephyr'],
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-08T00:00:00.000Z',
      },
      { page: 'alerts', alertState: 'all' },
    ];
    for (const partial of states) {
      const state = { ...DEFAULT_STATE, ...partial };
      expect(parseHash(toHash(state))).toEqual(state);
    }
  });

  it('keeps commas and times readable', () => {
    expect(
      toHash({
        ...DEFAULT_STATE,
        page: 'compare',
        brands: ['a', 'b'],
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-02T00:00:00.000Z',
      }),
    ).toBe('#/compare?from=2026-11-01T00:00:00.000Z&to=2026-11-02T00:00:00.000Z&brands=a,b');
  });

  it('leaves defaults out so links stay short', () => {
    expect(toHash(DEFAULT_STATE)).toBe('#/');
    expect(toHash({ ...DEFAULT_STATE, page: 'brand', brand: 'aurora' })).toBe('#/brand/aurora');
  });

  it('encodes brand ids and search text', () => {
    const hash = toHash({ ...DEFAULT_STATE, page: 'brand', brand: 'a b', q: 'battery & screen' });
    expect(parseHash(hash)).toMatchObject({ brand: 'a b', q: 'battery & screen' });
  });
});

describe('extractKey', () => {
  it('takes the key the demo prints (#key=…) and leaves the overview', () => {
    expect(extractKey('#key=abc123')).toEqual({ key: 'abc123', hash: '' });
  });

  it('takes a key from a deep link and keeps the rest of the state', () => {
    expect(extractKey('#/brand/aurora?period=7d&key=k%2B1')).toEqual({
      key: 'k+1',
      hash: '#/brand/aurora?period=7d',
    });
  });

  it('leaves a hash without a key untouched', () => {
    expect(extractKey('#/compare?brands=a,b')).toEqual({ key: null, hash: '#/compare?brands=a,b' });
    expect(extractKey('')).toEqual({ key: null, hash: '' });
  });
});

describe('navigate', () => {
  it('keeps period and refresh, drops page filters', () => {
    const from = {
      ...DEFAULT_STATE,
      page: 'brand' as const,
      brand: 'aurora',
      period: '7d' as const,
      refresh: 30 as const,
      sentiment: 'neg' as const,
    };
    expect(navigate(from, 'brand', 'nimbus')).toEqual({
      ...DEFAULT_STATE,
      page: 'brand',
      brand: 'nimbus',
      period: '7d',
      refresh: 30,
    });
  });
});

describe('interval (chart buckets)', () => {
  it('is read from the link, kept through toHash, and a malformed one is dropped', () => {
    const s = parseHash('#/brand/aurora?period=7d&interval=1d');
    expect(s.interval).toBe('1d');
    expect(parseHash(toHash(s)).interval).toBe('1d');
    expect(parseHash('#/?interval=0m').interval).toBeNull();
    expect(parseHash('#/?interval=1y').interval).toBeNull();
    expect(parseHash('#/?interval=15m').interval).toBe('15m');
    expect(toHash(parseHash('#/brand/aurora'))).not.toContain('interval');
  });
});
