import { describeError, isRetriable } from '../core/errors.ts';
import {
  backoffDelay,
  sleep as realSleep,
  type BackoffOptions,
  type Sleep,
} from '../core/retry.ts';
import { HttpClient, type HttpClientOptions } from './http/client.ts';
import { InvalidResponseError } from './http/errors.ts';
import type { IngestPorts } from './ports.ts';
import type { Mention } from '../core/contracts/mention.ts';

/** What the runtime sees of a connector: one long-running loop per source. */
export type ConnectorState =
  'starting' | 'running' | 'idle' | 'backoff' | 'quota_exhausted' | 'stopped' | 'failed';

export interface RunOptions {
  /** One poll cycle (or, for streams, until the socket closes) and return: `--dry-run`. */
  once?: boolean;
  /**
   * With `once`: a stream still reconnects (from its cursor, honouring `Retry-After`) until the
   * signal aborts, as `--dry-run` does (it stops at `--limit` or `--timeout`): a dropped socket
   * is not the end of the data. Polling sources ignore it.
   */
  keepStreaming?: boolean;
  onState?: (state: ConnectorState, error?: string) => void;
}

export interface Connector {
  readonly source: string;
  /** Runs until `ports.signal` aborts (or once). Resolves on a clean stop. */
  run(ports: IngestPorts, options?: RunOptions): Promise<void>;
  /**
   * Sources whose likes, reposts and replies grow after a post is first fetched: re-reads the
   * mentions with these ids (`Mention.id`, as this connector produced them; at most
   * `refreshBatchSize` per call) and returns them as fresh Mentions, through the same
   * normalizer, with the engagement the source reports now. Ids the source no longer has
   * (deleted, removed) are left out; the call throws only when the source itself failed.
   * The ingest runtime calls it on a schedule (ingest/refresh/) and produces what it returns;
   * the sink turns a stored mention's higher engagement into an update.
   */
  refresh?(ids: readonly string[], ports: IngestPorts): Promise<Mention[]>;
  /** Most ids one `refresh` call takes (the source's batch lookup limit). */
  readonly refreshBatchSize?: number;
  /**
   * Whether `refresh` can tell anything new about this mention (a Hacker News comment has no
   * points; another server's Mastodon status is not readable here): those are not scheduled.
   * Absent: every mention is.
   */
  refreshable?(mention: Mention): boolean;
}

/** Keep only the mentions the watch queries want (Bluesky: the firehose is huge). */
export type MentionFilter = (mention: Mention) => boolean;

export interface PollLoopOptions {
  source: string;
  ports: IngestPorts;
  intervalMs: number;
  once?: boolean;
  onState?: RunOptions['onState'];
  /** One pass over the source: fetch what is new, produce it, advance cursors. */
  cycle: () => Promise<void>;
  backoff?: BackoffOptions;
  sleep?: Sleep;
  random?: () => number;
}

/**
 * The loop every polling connector shares. A retriable failure (source down, 429 beyond the
 * retries, unreadable page) backs off and tries again forever: a source that is down today is
 * up tomorrow. A non-retriable one (bad credentials, 404) stops this connector only.
 */
export async function pollLoop(options: PollLoopOptions): Promise<void> {
  const { ports, source } = options;
  const sleep = options.sleep ?? realSleep;
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 };
  let failures = 0;
  while (!ports.signal.aborted) {
    options.onState?.('running');
    try {
      await options.cycle();
      failures = 0;
    } catch (error) {
      if (ports.signal.aborted) break;
      await keepEvidence(ports, source, error);
      const message = describeError(error);
      if (options.once || !isRetriable(error)) {
        options.onState?.('failed', message);
        // Once (`--dry-run`) the caller reports the failure itself, in one line.
        if (!options.once)
          ports.logger.error(
            { event: 'connector_failed', source, error: message },
            'connector stopped',
          );
        throw error;
      }
      const wait = backoffDelay(failures++, backoff, options.random ?? Math.random);
      options.onState?.('backoff', message);
      ports.logger.warn(
        { event: 'connector_backoff', source, wait_ms: wait, error: message },
        'source cycle failed, backing off',
      );
      await sleep(wait, ports.signal);
      continue;
    }
    if (options.once || ports.signal.aborted) break;
    options.onState?.('idle');
    await sleep(options.intervalMs, ports.signal);
  }
  options.onState?.('stopped');
}

/** An unreadable response is dead-lettered so the evidence is not lost. */
export async function keepEvidence(
  ports: IngestPorts,
  source: string,
  error: unknown,
): Promise<void> {
  if (!(error instanceof InvalidResponseError)) return;
  try {
    await ports.deadLetter([{ source, payload: error.payload, reason: error.message }]);
  } catch (dlqError) {
    ports.logger.error(
      { event: 'dead_letter_failed', source, error: describeError(dlqError) },
      'could not dead-letter an unreadable response',
    );
  }
}

/**
 * Knobs every connector takes besides its config: test seams (fetch, sleep, random, short
 * timeouts) and the watch-query filter. Production passes nothing but `filter`.
 */
export interface ConnectorDeps {
  filter?: MentionFilter;
  /**
   * This source's owned accounts across workspaces (`brands[].owned`): YouTube reads their
   * channels' comments, Bluesky resolves their handles to DIDs so replies to them pass `filter`.
   */
  ownedAccounts?: (source: string) => string[];
  http?: Partial<Omit<HttpClientOptions, 'source' | 'logger' | 'budget'>>;
  /** Backoff between failed cycles / reconnects. */
  loopBackoff?: BackoffOptions;
  sleep?: Sleep;
  random?: () => number;
}

export function makeHttpClient(
  source: string,
  ports: IngestPorts,
  deps: ConnectorDeps,
  defaults: Partial<
    Pick<HttpClientOptions, 'budget' | 'userAgent' | 'timeoutMs' | 'maxRetries' | 'maxRetryAfterMs'>
  >,
): HttpClient {
  return new HttpClient({
    source,
    logger: ports.logger,
    now: () => ports.now(),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...defaults,
    ...deps.http,
  });
}

export const USER_AGENT = 'earshot/0.1 (+https://github.com/earshot-dev/earshot; social listening)';

/** The optional knobs every polling connector passes through to `pollLoop`, spread once here. */
export function loopKnobs(options: RunOptions, deps: ConnectorDeps) {
  return {
    ...(options.once !== undefined ? { once: options.once } : {}),
    ...(options.onState ? { onState: options.onState } : {}),
    ...(deps.loopBackoff ? { backoff: deps.loopBackoff } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  };
}
