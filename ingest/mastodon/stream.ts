import { z } from 'zod';
import { describeError } from '../../core/errors.ts';
import type { ConnectorDeps, ConnectorState } from '../connector.ts';
import { convertOne, deliver } from '../emit.ts';
import type { IngestPorts } from '../ports.ts';
import { runSocket } from '../ws/socket.ts';
import { streamLoop } from '../ws/stream-loop.ts';
import { timelineKey, type MastodonConfig, type MastodonTimeline } from './config.ts';
import { compareStatusIds, normalizeMastodonStatus } from './normalize.ts';

const SOURCE = 'mastodon';

/** A streaming API message: `payload` is the Status *as a JSON string* for `update`. */
const StreamMessageSchema = z.object({
  stream: z.array(z.string()).default([]),
  event: z.string(),
  payload: z.string().optional(),
});

export function subscribeMessages(timelines: MastodonTimeline[]): string[] {
  return timelines.map((t) =>
    JSON.stringify(
      t.type === 'public'
        ? {
            type: 'subscribe',
            stream: t.local ? 'public:local' : t.remote ? 'public:remote' : 'public',
          }
        : { type: 'subscribe', stream: t.local ? 'hashtag:local' : 'hashtag', tag: t.tag },
    ),
  );
}

/** `["hashtag","Acme"]` → the cursor key its REST timeline uses (`hashtag:acme`). */
export function streamKey(stream: string[]): string | null {
  const [name, tag] = stream;
  if (name === 'public' || name === 'public:local' || name === 'public:remote') return name;
  if ((name === 'hashtag' || name === 'hashtag:local') && tag) {
    return `hashtag:${tag.toLowerCase()}${name === 'hashtag:local' ? ':local' : ''}`;
  }
  return null;
}

export function streamingUrl(base: string): string {
  const url = new URL('/api/v1/streaming', base);
  url.protocol =
    url.protocol === 'http:' ? 'ws:' : url.protocol === 'https:' ? 'wss:' : url.protocol;
  return url.toString();
}

/**
 * Live mode. Order matters for correctness: open the socket and subscribe *first*, then
 * backfill over REST from the cursor; only then are streamed statuses allowed to move the
 * cursor, because from that moment every newer status is guaranteed to arrive on this socket.
 * On a disconnect we back off, reconnect and backfill again.
 */
export async function runMastodonStream(args: {
  config: MastodonConfig;
  token: string;
  ports: IngestPorts;
  deps: ConnectorDeps;
  backfill: () => Promise<void>;
  /** The streaming host: `streaming_url`, else what the instance announces, else base_url. */
  streamingBase: () => Promise<string>;
  onState?: (state: ConnectorState, error?: string) => void;
}): Promise<void> {
  const { config, token, ports, deps } = args;
  const keys = new Set(config.timelines.map(timelineKey));
  const instanceHost = new URL(config.base_url).host;

  await streamLoop({
    source: SOURCE,
    ports,
    connect: async () => {
      let backfilled: Promise<void> | null = null;
      let base: string;
      try {
        base = await args.streamingBase();
      } catch {
        base = config.base_url; // discovery is best effort; the instance host usually works
      }
      const outcome = await runSocket(streamingUrl(base), {
        headers: { authorization: `Bearer ${token}` },
        signal: ports.signal,
        idleTimeoutMs: config.stream_idle_timeout_s * 1000,
        onOpen: (socket) => {
          for (const m of subscribeMessages(config.timelines)) socket.send(m);
          backfilled = args.backfill();
          // A failed backfill means a gap we cannot close on this connection: start over.
          backfilled.catch((error: unknown) =>
            socket.fail(error instanceof Error ? error : new Error(String(error))),
          );
        },
        handle: async (data) => {
          if (backfilled) await backfilled;
          await handleMessage(data);
        },
      });
      return { outcome };
    },
    healthy: (outcome) => outcome.opened,
    lostMessage: 'mastodon stream lost, reconnecting',
    ...(args.onState ? { onState: args.onState } : {}),
    backoff: deps.loopBackoff ?? { baseMs: 1_000, maxMs: 60_000 },
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });

  async function handleMessage(data: string): Promise<void> {
    let message: z.infer<typeof StreamMessageSchema>;
    try {
      message = StreamMessageSchema.parse(JSON.parse(data));
    } catch (error) {
      await ports.deadLetter([
        {
          source: SOURCE,
          payload: data,
          reason: `unreadable stream message: ${describeError(error)}`,
        },
      ]);
      return;
    }
    if (message.event !== 'update' || message.payload === undefined) return; // delete, status.update, filters_changed
    let status: unknown;
    try {
      status = JSON.parse(message.payload);
    } catch {
      await ports.deadLetter([
        { source: SOURCE, payload: data, reason: 'update payload is not JSON' },
      ]);
      return;
    }
    const result = convertOne(SOURCE, status, (s) =>
      normalizeMastodonStatus(s, {
        instanceHost,
        fetchedAt: ports.now(),
        respectNoindex: config.respect_noindex,
      }),
    );
    if (result !== null && 'reason' in result)
      await deliver(ports, { mentions: [], dead: [result] });
    else if (result !== null && (!deps.filter || deps.filter(result)))
      await deliver(ports, { mentions: [result], dead: [] });

    const key = streamKey(message.stream);
    const id =
      status && typeof status === 'object' && 'id' in status && typeof status.id === 'string'
        ? status.id
        : null;
    if (key && keys.has(key) && id && /^\d+$/.test(id)) {
      const cursorKey = `timeline:${key}`;
      const current = await ports.cursors.get(SOURCE, cursorKey);
      if (current === null || compareStatusIds(id, current) > 0)
        await ports.cursors.set(SOURCE, cursorKey, id);
    }
  }
}
