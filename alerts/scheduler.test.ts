import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { scheduleExclusive, type ScheduleStats } from './scheduler.ts';

describe('scheduleExclusive (node-cron, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-21T10:00:30Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every minute', async () => {
    const stats: ScheduleStats = { runs: 0, skipped: 0, failed: 0 };
    const job = vi.fn(() => Promise.resolve());
    const s = scheduleExclusive('* * * * *', job, silentLogger(), 'test', stats);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await s.stop();
    expect(job).toHaveBeenCalledTimes(5);
    expect(stats).toEqual({ runs: 5, skipped: 0, failed: 0 });
  });

  it('never overlaps: a tick during a slow run is skipped, not queued', async () => {
    const stats: ScheduleStats = { runs: 0, skipped: 0, failed: 0 };
    let active = 0;
    let maxActive = 0;
    const job = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 150_000)); // 2.5 minutes
      active--;
    };
    const s = scheduleExclusive('* * * * *', job, silentLogger(), 'test', stats);
    await vi.advanceTimersByTimeAsync(6 * 60_000); // ticks 10:01 … 10:06
    const stopped = s.stop();
    await vi.advanceTimersByTimeAsync(150_000);
    await stopped;
    expect(maxActive).toBe(1);
    // 10:01 runs until 10:03:30 (10:02, 10:03 skipped); 10:04 runs (10:05, 10:06 skipped).
    expect(stats).toEqual({ runs: 2, skipped: 4, failed: 0 });
  });

  it('a failing run is logged and counted; the next minute runs again', async () => {
    const stats: ScheduleStats = { runs: 0, skipped: 0, failed: 0 };
    const job = vi.fn(() => Promise.reject(new Error('store down')));
    const s = scheduleExclusive('* * * * *', job, silentLogger(), 'test', stats);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    await s.stop();
    expect(stats).toEqual({ runs: 3, skipped: 0, failed: 3 });
  });

  it('stop() waits for the run in flight and no run starts after it', async () => {
    let finished = false;
    const job = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 20_000));
      finished = true;
    });
    const s = scheduleExclusive('* * * * *', job, silentLogger(), 'test');
    await vi.advanceTimersByTimeAsync(31_000); // the 10:01 tick fires
    expect(job).toHaveBeenCalledTimes(1);
    const stopped = s.stop();
    await vi.advanceTimersByTimeAsync(20_000);
    await stopped;
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(job).toHaveBeenCalledTimes(1);
  });

  it('rejects an invalid expression', () => {
    expect(() =>
      scheduleExclusive('every minute', () => Promise.resolve(), silentLogger(), 'x'),
    ).toThrow(/invalid cron expression/);
  });
});
