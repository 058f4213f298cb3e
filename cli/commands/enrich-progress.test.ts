import { describe, expect, it } from 'vitest';
import { createProgress } from './enrich-progress.ts';

function run(lines: number, msPerLine: number, tty: boolean): string[] {
  let t = 0;
  const out: string[] = [];
  const p = createProgress({ write: (s) => out.push(s), now: () => t, tty, intervalMs: 2_000 });
  for (let i = 1; i <= lines; i++) {
    t += msPerLine;
    p.tick(i);
  }
  p.done(lines);
  return out;
}

describe('earshot enrich progress on stderr', () => {
  it('says nothing for a short input', () => {
    expect(run(1_000, 1, false)).toEqual([]);
  });

  it('reports count and rate every interval for a long input, then a summary', () => {
    // 10,000 lines at 1 ms each: 10 s, a report about every 2 s.
    const out = run(10_000, 1, false);
    expect(out.length).toBeGreaterThanOrEqual(5);
    expect(out[0]).toMatch(/^enriching: 2,0\d\d lines, 1,000 lines\/s, 2 s\n$/);
    expect(out.at(-1)).toBe('enriched 10,000 lines, 1,000 lines/s, 10 s\n');
  });

  it('redraws one line on a terminal', () => {
    const out = run(10_000, 1, true);
    expect(out.slice(0, -1).every((s) => s.startsWith('\r') && !s.endsWith('\n'))).toBe(true);
    expect(out.at(-1)).toMatch(/^\renriched 10,000 lines/);
  });
});
