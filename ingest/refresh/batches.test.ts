import { describe, expect, it } from 'vitest';
import { recordingPorts } from '../testing/recording-ports.ts';
import { askedMentions, inBatches, nativeIds } from './batches.ts';

describe('refresh batches', () => {
  it('takes each native id once, in order, and only the ids the pattern knows', () => {
    expect(
      nativeIds(
        ['reddit:t3_a', 'hackernews:1', 'reddit:t1_b', 'reddit:t3_a'],
        /^reddit:(t[13]_\w+)$/,
      ),
    ).toEqual(['t3_a', 't1_b']);
  });

  it('reads in batches, in order, and stops between batches on abort', async () => {
    const seen: number[][] = [];
    const out = await inBatches([1, 2, 3, 4, 5], 2, new AbortController().signal, (b) => {
      seen.push(b);
      return Promise.resolve(b.map((x) => x * 10));
    });
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    expect(out).toEqual([10, 20, 30, 40, 50]);
    const stop = new AbortController();
    const partial = await inBatches([1, 2, 3], 1, stop.signal, (b) => {
      stop.abort();
      return Promise.resolve(b);
    });
    expect(partial).toEqual([1]);
  });

  it('keeps what was asked for and dead-letters what does not normalize', async () => {
    const rec = recordingPorts();
    const items = [{ n: 1 }, { n: 2 }, { n: -1 }];
    const mentions = await askedMentions(
      'reddit',
      rec.ports,
      items,
      (item) => {
        if (item.n < 0) throw new Error('negative');
        return {
          id: `reddit:t3_${item.n}`,
          source: 'reddit',
          text: 'x',
          created_at: '2026-11-20T10:00:00Z',
        };
      },
      new Set(['reddit:t3_1']),
    );
    expect(mentions.map((m) => m.id)).toEqual(['reddit:t3_1']);
    expect(rec.dead).toHaveLength(1);
    expect(rec.dead[0]!.reason).toMatch(/negative/);
  });
});
