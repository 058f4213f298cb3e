import { describe, expect, it } from 'vitest';
import type { ConnectorState } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import type { SocketOutcome } from './socket.ts';
import { streamLoop, type StreamSession } from './stream-loop.ts';

const closed = (over: Partial<SocketOutcome> = {}): SocketOutcome => ({
  opened: true,
  code: 1006,
  reason: '',
  handled: 0,
  ...over,
});

/** Runs the loop over scripted sessions; the loop stops (aborts) when the script runs out. */
function run(
  sessions: StreamSession[],
  over: { once?: boolean; healthy?: (o: SocketOutcome) => boolean } = {},
) {
  const { ports, controller } = recordingPorts();
  const states: string[] = [];
  const waits: number[] = [];
  let connects = 0;
  const result = streamLoop({
    source: 'test',
    ports,
    connect: () => {
      const next = sessions[connects++];
      if (next === undefined) {
        controller.abort();
        return Promise.resolve(null);
      }
      return Promise.resolve(next);
    },
    healthy: over.healthy ?? ((o) => o.opened),
    lostMessage: 'lost',
    ...(over.once !== undefined ? { once: over.once } : {}),
    onState: (state: ConnectorState, error?: string) =>
      states.push(error ? `${state}: ${error}` : state),
    backoff: { baseMs: 100, maxMs: 1_000 },
    random: () => 1,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { result, states, waits, connects: () => connects };
}

describe('streamLoop', () => {
  it('reconnects after every close, backing off while connections fail, until aborted', async () => {
    const { result, states, waits, connects } = run([
      { outcome: closed({ opened: false }) },
      { outcome: closed({ opened: false }) },
      { outcome: closed({ opened: true, code: 1000, reason: 'bye' }) },
    ]);
    await result;
    expect(connects()).toBe(4);
    // 100·2^0, 100·2^1, then a healthy connection starts the backoff over.
    expect(waits).toEqual([100, 200, 100]);
    expect(states.at(-1)).toBe('stopped');
    expect(states).toContain('backoff: closed 1000 bye; reconnecting in 0.1 s');
  });

  it('never reconnects sooner than the Retry-After of a refused upgrade', async () => {
    const { result, waits } = run([
      { outcome: closed({ opened: false, status: 429, retryAfterMs: 30_000 }) },
    ]);
    await result;
    expect(waits).toEqual([30_000]);
  });

  it('stops with the error on a refusal no retry can fix', async () => {
    const error = new Error('HTTP 401 at connect');
    const { result, states, waits } = run([
      { outcome: closed({ opened: false, status: 401, error }) },
    ]);
    await expect(result).rejects.toBe(error);
    expect(states).toEqual(['running', 'failed: Error: HTTP 401 at connect']);
    expect(waits).toEqual([]);
  });

  it('once: a clean close ends the loop, a session error fails it', async () => {
    const clean = run([{ outcome: closed({ code: 1000 }) }], { once: true });
    await clean.result;
    expect(clean.states).toEqual(['running', 'stopped']);

    const flush = new Error('produce not acked');
    const failed = run([{ outcome: closed(), error: flush }], { once: true });
    await expect(failed.result).rejects.toBe(flush);
    expect(failed.states).toEqual(['running', 'failed: Error: produce not acked']);
  });

  it('keeps backing off after connections the source calls unhealthy', async () => {
    const { result, waits } = run(
      [{ outcome: closed() }, { outcome: closed() }, { outcome: closed({ handled: 3 }) }],
      { healthy: (o) => o.opened && o.handled > 0 },
    );
    await result;
    expect(waits).toEqual([100, 200, 100]);
  });
});
