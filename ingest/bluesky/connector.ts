import { z } from 'zod';
import type { Mention } from '../../core/contracts/mention.ts';
import { describeError } from '../../core/errors.ts';
import {
  makeHttpClient,
  USER_AGENT,
  type Connector,
  type ConnectorDeps,
  type RunOptions,
} from '../connector.ts';
import { convertOne, deliver } from '../emit.ts';
import type { HttpClient } from '../http/client.ts';
import type { IngestDeadLetter, IngestPorts } from '../ports.ts';
import { runSocket } from '../ws/socket.ts';
import { streamLoop, type StreamSession } from '../ws/stream-loop.ts';
import type { BlueskyConfig } from './config.ts';
import { normalizeJetstreamEvent, parseJetstreamFrame } from './normalize.ts';
import { nameOwned, ownedHandles, resolveOwnedHandles } from './owned.ts';
import { ProfileDirectory } from './profiles.ts';
import { POSTS_PER_REQUEST, refreshPosts } from './refresh.ts';

const SOURCE = 'bluesky';
const CURSOR_KEY = 'jetstream';
/** Jetstream v2: `?cursor=N` below this is an instance-local seq, above it a v1 time_us. */
const SEQ_MAX = 1e15;

/** Saved position: always time_us; the v2 seq too when the server sends one, with its host. */
const PositionSchema = z.object({
  time_us: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative().nullable().default(null),
  host: z.string().nullable().default(null),
});
export type JetstreamPosition = z.infer<typeof PositionSchema>;

/**
 * The resume rule (docs/sources.md, "Bluesky"): same host and a seq → resume at the seq (inclusive, the
 * last event comes again); otherwise time_us minus a rewind (delivery is at-least-once and
 * seqs are per instance). No saved position → live tail.
 */
export function subscribeUrl(config: BlueskyConfig, position: JetstreamPosition | null): string {
  const url = new URL('/subscribe', config.base_url.replace(/^http/, 'ws'));
  url.searchParams.append('wantedCollections', 'app.bsky.feed.post');
  for (const did of config.wanted_dids) url.searchParams.append('wantedDids', did);
  if (position) {
    const sameHost = position.host === url.host;
    const cursor =
      sameHost && position.seq !== null && position.seq < SEQ_MAX
        ? position.seq
        : Math.max(0, position.time_us - config.rewind_s * 1_000_000);
    url.searchParams.set('cursor', String(cursor));
  }
  return url.toString();
}

/**
 * One socket at a time; frames are handled in order (runSocket pauses the socket when we fall
 * behind). Events are batched: per batch one dead-letter call, one produce of the matching
 * posts, and only after both are acked the cursor moves to the last event of the batch. On any
 * disconnect: flush what was handled, back off, reconnect from the saved position.
 */
export function createBlueskyConnector(config: BlueskyConfig, deps: ConnectorDeps = {}): Connector {
  // One AppView client and one profile directory per connector, made on first use (they need
  // the ports' clock and logger): the stream's lookups and the engagement refresh share them,
  // and remembered authors survive reconnects.
  let appview: { client: HttpClient; profiles: ProfileDirectory | null } | null = null;
  const appviewFor = (ports: IngestPorts) => {
    if (appview) return appview;
    const client = appviewClient(config, ports, deps);
    const profiles = config.resolve_profiles ? profileDirectory(config, client, ports) : null;
    return (appview = { client, profiles });
  };
  return {
    source: SOURCE,
    refreshBatchSize: POSTS_PER_REQUEST,
    refresh(ids: readonly string[], ports: IngestPorts) {
      const { client, profiles } = appviewFor(ports);
      return refreshPosts(ids, ports, {
        client,
        appviewUrl: config.appview_url,
        profiles,
        maxSkewMs: config.max_clock_skew_s * 1000,
      });
    },
    async run(ports: IngestPorts, options: RunOptions = {}) {
      const host = new URL(config.base_url).host;
      let position = await loadPosition(ports);
      const profiles = appviewFor(ports).profiles;
      const toResolve = ownedHandles(deps.ownedAccounts?.(SOURCE) ?? []);
      let owned: Map<string, string> | null = toResolve.length === 0 ? new Map() : null;

      const connect = async (): Promise<StreamSession | null> => {
        // Before the stream: replies to an owned handle are recognised by its DID. A failed
        // lookup is tried again on the next connection; until then the DIDs in the config work.
        if (owned === null) {
          try {
            owned = await resolveOwnedHandles(
              toResolve,
              appviewFor(ports).client,
              config.appview_url,
              ports.signal,
            );
          } catch (error) {
            if (ports.signal.aborted) return null;
            ports.logger.warn(
              { event: 'owned_handles_unresolved', source: SOURCE, error: describeError(error) },
              'could not resolve the owned Bluesky handles; replies to them are kept once they resolve',
            );
          }
        }
        const ownedDids = owned ?? new Map<string, string>();
        const batch = new Batch();
        let flushError: Error | null = null;
        const lock = mutex();
        const flush = () =>
          lock(async () => {
            if (batch.events === 0) return;
            const taken = batch.take();
            const { dead, last } = taken;
            for (const [did, handle] of taken.handles) profiles?.noteHandle(did, handle);
            const mentions = profiles
              ? await profiles.complete(taken.mentions, ports.signal)
              : taken.mentions;
            await deliver(ports, { mentions, dead });
            if (last) {
              position = { time_us: last.time_us, seq: last.seq, host };
              await ports.cursors.set(SOURCE, CURSOR_KEY, JSON.stringify(position));
            }
          });
        const timer = setInterval(() => {
          flush().catch((error: unknown) => {
            flushError = error instanceof Error ? error : new Error(String(error));
          });
        }, config.batch_max_wait_ms);

        const outcome = await runSocket(subscribeUrl(config, position), {
          signal: ports.signal,
          idleTimeoutMs: config.idle_timeout_s * 1000,
          handle: async (frame) => {
            if (flushError) throw flushError;
            await lock(() => {
              batch.add(frame, ports.now(), config, deps.filter, ownedDids);
              return Promise.resolve();
            });
            if (batch.events >= config.batch_size) await flush();
          },
        });
        clearInterval(timer);
        // Save what this connection delivered, even on shutdown (the produce port is still up).
        let closeError: Error | undefined = outcome.error;
        try {
          if (!flushError) await flush();
        } catch (error) {
          closeError ??= error instanceof Error ? error : new Error(String(error));
        }
        if (flushError) closeError ??= flushError;
        return { outcome, error: closeError };
      };

      await streamLoop({
        source: SOURCE,
        ports,
        connect,
        healthy: (outcome) => outcome.opened && outcome.handled > 0,
        lostMessage: 'jetstream lost, reconnecting',
        once: options.once === true && !options.keepStreaming,
        ...(options.onState ? { onState: options.onState } : {}),
        backoff: deps.loopBackoff ?? { baseMs: 1_000, maxMs: 60_000 },
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        ...(deps.random ? { random: deps.random } : {}),
      });
    },
  };
}

/**
 * One quick retry and no long waits: a lookup is an extra and the stream waits while it runs
 * (a failure pauses lookups instead, `profile_pause_s`); a failed refresh is retried later by
 * its scheduler.
 */
function appviewClient(config: BlueskyConfig, ports: IngestPorts, deps: ConnectorDeps): HttpClient {
  return makeHttpClient(SOURCE, ports, deps, {
    userAgent: USER_AGENT,
    timeoutMs: config.profile_timeout_ms,
    maxRetries: 1,
    maxRetryAfterMs: config.profile_timeout_ms,
  });
}

function profileDirectory(
  config: BlueskyConfig,
  client: HttpClient,
  ports: IngestPorts,
): ProfileDirectory {
  return new ProfileDirectory({
    client,
    appviewUrl: config.appview_url,
    maxEntries: config.profile_cache_size,
    ttlMs: config.profile_ttl_s * 1000,
    pauseMs: config.profile_pause_s * 1000,
    now: () => ports.now().getTime(),
    logger: ports.logger,
  });
}

class Batch {
  events = 0;
  private mentions: Mention[] = [];
  private dead: IngestDeadLetter[] = [];
  /** Handle changes seen in identity events, applied before the batch's lookups. */
  private handles = new Map<string, string | undefined>();
  private last: { time_us: number; seq: number | null } | null = null;

  add(
    frame: string,
    now: Date,
    config: BlueskyConfig,
    filter: ConnectorDeps['filter'],
    owned: ReadonlyMap<string, string>,
  ): void {
    this.events++;
    let event;
    try {
      event = parseJetstreamFrame(frame);
    } catch (error) {
      this.dead.push({ source: SOURCE, payload: frame, reason: (error as Error).message });
      return;
    }
    // Events arrive in time order; a replayed older one must not move the position back.
    if (this.last === null || event.time_us >= this.last.time_us) {
      this.last = { time_us: event.time_us, seq: event.cursor ?? null };
    }
    if (event.kind === 'identity') this.handles.set(event.did, event.identity?.handle);
    const result = convertOne(
      SOURCE,
      event,
      (e) =>
        normalizeJetstreamEvent(e, { fetchedAt: now, maxSkewMs: config.max_clock_skew_s * 1000 }),
      () => frame,
    );
    if (result === null) return;
    if ('reason' in result) {
      this.dead.push(result);
      return;
    }
    const named = nameOwned(result, owned);
    if (!filter || filter(named)) this.mentions.push(named);
  }

  take() {
    const taken = {
      mentions: this.mentions,
      dead: this.dead,
      last: this.last,
      handles: this.handles,
    };
    this.events = 0;
    this.mentions = [];
    this.dead = [];
    this.handles = new Map();
    this.last = null;
    return taken;
  }
}

async function loadPosition(ports: IngestPorts): Promise<JetstreamPosition | null> {
  const stored = await ports.cursors.get(SOURCE, CURSOR_KEY);
  if (stored === null) return null;
  try {
    return PositionSchema.parse(JSON.parse(stored));
  } catch {
    ports.logger.warn(
      { event: 'cursor_unreadable', source: SOURCE },
      'saved jetstream cursor unreadable; live tail',
    );
    return null;
  }
}

function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
