import { describeError } from '../../core/errors.ts';
import { sleep as realSleep, type BackoffOptions, type Sleep } from '../../core/retry.ts';
import type { ConnectorState } from '../connector.ts';
import type { IngestPorts } from '../ports.ts';
import { isFatalRefusal, reconnectDelay, seconds } from './reconnect.ts';
import type { SocketOutcome } from './socket.ts';

/** How one connection ended: the socket's outcome, and the first error of the session. */
export interface StreamSession {
  outcome: SocketOutcome;
  /** Defaults to `outcome.error`; a session may add its own (a flush that failed at close). */
  error?: Error | undefined;
}

export interface StreamLoopOptions {
  source: string;
  ports: IngestPorts;
  /** One connection, until the socket closes; null when the signal aborted before it opened. */
  connect: () => Promise<StreamSession | null>;
  /** Whether a connection proved the stream healthy, so the backoff starts over. */
  healthy: (outcome: SocketOutcome) => boolean;
  /** The warning logged on each reconnect ("jetstream lost, reconnecting"). */
  lostMessage: string;
  /** Stop after the first connection (`--dry-run` without `keepStreaming`). */
  once?: boolean;
  onState?: (state: ConnectorState, error?: string) => void;
  backoff: BackoffOptions;
  sleep?: Sleep;
  random?: () => number;
}

/**
 * The loop every streaming connector shares, beside `pollLoop` for polling ones: connect, and
 * when the socket closes back off (never sooner than the server's `Retry-After`) and connect
 * again, forever: a dropped socket is not the end of the data. A refusal no retry can fix
 * (401, 403, 404) stops this connector with its error.
 */
export async function streamLoop(options: StreamLoopOptions): Promise<void> {
  const { ports, source } = options;
  const sleep = options.sleep ?? realSleep;
  let failures = 0;
  while (!ports.signal.aborted) {
    options.onState?.('running');
    const session = await options.connect();
    if (session === null || ports.signal.aborted) break;
    const { outcome } = session;
    const error = session.error ?? outcome.error;
    const problem = error
      ? describeError(error)
      : `closed ${outcome.code} ${outcome.reason}`.trim();
    const fatal = isFatalRefusal(outcome);
    if (options.once || fatal) {
      if (error || fatal) {
        options.onState?.('failed', problem);
        throw error ?? new Error(problem);
      }
      break;
    }
    if (options.healthy(outcome)) failures = 0;
    const wait = reconnectDelay(
      outcome,
      failures++,
      options.backoff,
      options.random ?? Math.random,
    );
    options.onState?.('backoff', `${problem}; reconnecting in ${seconds(wait)}`);
    ports.logger.warn(
      {
        event: 'stream_reconnect',
        source,
        wait_ms: wait,
        problem,
        ...(outcome.retryAfterMs !== undefined ? { retry_after_ms: outcome.retryAfterMs } : {}),
      },
      options.lostMessage,
    );
    await sleep(wait, ports.signal);
  }
  options.onState?.('stopped');
}
