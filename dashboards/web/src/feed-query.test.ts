import { describe, expect, it } from 'vitest';
import { exportParams } from './downloads.ts';
import { feedQuery } from './feed-query.ts';
import { DEFAULT_STATE, parseHash } from './state.ts';

describe('feedQuery', () => {
  it('carries every feed filter, the action filters too', () => {
    const state = parseHash(
      '#/brand/aurora?period=7d&sentiment=neg&lang=de&q=battery&tag=press&bookmarked=true&hidden=true',
    );
    expect(feedQuery(state)).toMatchObject({
      from: 'now-7d',
      sentiment: 'neg',
      lang: 'de',
      q: 'battery',
      tag: 'press',
      bookmarked: 'true',
      hidden: 'true',
    });
  });

  it('leaves out what is not set, and takes the feed’s own window over the period', () => {
    const q = feedQuery({
      ...DEFAULT_STATE,
      feedFrom: '2026-11-20T00:00:00.000Z',
      feedTo: '2026-11-20T01:00:00.000Z',
    });
    expect(q.from).toBe('2026-11-20T00:00:00.000Z');
    expect(q.to).toBe('2026-11-20T01:00:00.000Z');
    expect(q.bookmarked).toBeUndefined();
    expect(q.hidden).toBeUndefined();
  });
});

describe('exportParams', () => {
  it('downloads the mentions the feed shows: its filters and the brand', () => {
    const state = parseHash(
      '#/brand/aurora?period=24h&sentiment=pos&tag=follow-up&bookmarked=true',
    );
    expect(exportParams('mentions', state)).toEqual({ ...feedQuery(state), brand: 'aurora' });
    expect(exportParams('mentions', state)).toMatchObject({ tag: 'follow-up', bookmarked: 'true' });
  });
});
