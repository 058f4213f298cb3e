import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Loopback servers that replay recorded-format source payloads, so connector tests exercise
 * real HTTP and WebSocket I/O (timeouts, headers, reconnects) with no internet. Each test
 * supplies a handler that implements only the resume parameters the connector uses.
 */

export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/sources/${relative}`, import.meta.url));
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function readJsonFixture<T = unknown>(relative: string): T {
  return JSON.parse(readFixture(relative)) as T;
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ReplayReply {
  status?: number;
  headers?: Record<string, string>;
  /** Strings are sent as they are, anything else as JSON. */
  body?: unknown;
  /** Hold the response this long (to trigger client timeouts). */
  delayMs?: number;
  /** Drop the connection without answering. */
  destroy?: boolean;
}

export type ReplayHandler = (
  req: RecordedRequest,
  index: number,
) => ReplayReply | Promise<ReplayReply>;

export interface HttpReplayServer {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startHttpReplay(handler: ReplayHandler): Promise<HttpReplayServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(recorded) - 1;
      void Promise.resolve(handler(recorded, index)).then(
        async (reply) => {
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          if (reply.destroy) {
            req.socket.destroy();
            return;
          }
          const isObject = reply.body !== undefined && typeof reply.body !== 'string';
          const body = isObject
            ? JSON.stringify(reply.body)
            : ((reply.body as string | undefined) ?? '');
          if (res.destroyed) return;
          res.writeHead(reply.status ?? 200, {
            ...(isObject ? { 'content-type': 'application/json' } : {}),
            ...reply.headers,
          });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A Jetstream v1 (`/subscribe`) replay: sends recorded frames, honours `wantedCollections`
 * (commit events only; identity/account pass, as the real server does) and `cursor`
 * (time_us ≥ cursor, or seq ≥ cursor for values below 1e15, like the v2 server on the v1 wire).
 * `dropAfter` closes the socket after that many frames on a connection, to test reconnects.
 */
export interface JetstreamReplay {
  url: string;
  connections: URL[];
  /** Every upgrade request, refused or not, with its arrival time (ms since the epoch). */
  attempts: Array<{ url: URL; at: number }>;
  /** Plain HTTP requests (not upgrades) the server received. */
  httpRequests: URL[];
  close(): Promise<void>;
}

export interface UpgradeRefusal {
  status: number;
  headers?: Record<string, string>;
}

export async function startJetstreamReplay(
  frames: string[],
  options: {
    dropAfter?: number[];
    closeWhenDone?: boolean;
    /** Refuse the n-th upgrade request (from 0) with this HTTP answer (429 + Retry-After…). */
    refuse?: Record<number, UpgradeRefusal>;
    /** Answers plain HTTP requests on the same port (an AppView behind the same base URL). */
    http?: (url: URL) => unknown;
  } = {},
): Promise<JetstreamReplay> {
  const httpRequests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    httpRequests.push(url);
    const body = options.http?.(url);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'NotFound' }));
  });
  const attempts: JetstreamReplay['attempts'] = [];
  const wss = new WebSocketServer({
    server,
    path: '/subscribe',
    verifyClient: (info, done) => {
      const n =
        attempts.push({ url: new URL(info.req.url ?? '/', 'http://127.0.0.1'), at: Date.now() }) -
        1;
      const refusal = options.refuse?.[n];
      if (refusal) done(false, refusal.status, 'refused by replay', refusal.headers);
      else done(true);
    },
  });
  const connections: URL[] = [];
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket, req) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const n = connections.push(url) - 1;
    const wanted = url.searchParams.getAll('wantedCollections');
    const cursorParam = url.searchParams.get('cursor');
    const cursor = cursorParam === null ? null : Number(cursorParam);
    const limit = options.dropAfter?.[n] ?? Infinity;
    let sent = 0;
    for (const frame of frames) {
      if (sent >= limit) break;
      const event = parseFrame(frame);
      if (event && cursor !== null) {
        // A real v2 server has a seq on every event; fixture frames without one (v1 captures)
        // are not replayable by seq, so they are skipped when resuming by seq.
        const position = cursor < 1e15 ? event.cursor : event.time_us;
        if (position === undefined || position < cursor) continue;
      }
      if (
        event?.kind === 'commit' &&
        wanted.length > 0 &&
        !wanted.includes(event.commit?.collection ?? '')
      ) {
        continue;
      }
      socket.send(frame);
      sent++;
    }
    if (sent >= limit) socket.terminate();
    else if (options.closeWhenDone) socket.close(1000, 'replay done');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    attempts,
    httpRequests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface FrameHead {
  time_us?: number;
  cursor?: number;
  kind?: string;
  commit?: { collection?: string };
}

function parseFrame(frame: string): FrameHead | null {
  try {
    const value: unknown = JSON.parse(frame);
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null; // garbled frames are replayed as-is
  }
}

/** A bare WebSocket server for protocol tests (Mastodon streaming): the test drives the socket. */
export interface WebSocketReplay {
  url: string;
  connections: Array<{
    url: URL;
    headers: IncomingHttpHeaders;
    received: string[];
    socket: WebSocket;
  }>;
  close(): Promise<void>;
}

export async function startWebSocketReplay(
  path: string,
  onConnection: (socket: WebSocket, index: number, received: string[]) => void,
  options: { refuse?: Record<number, UpgradeRefusal> } = {},
): Promise<WebSocketReplay> {
  const server = createServer();
  let attempts = 0;
  const wss = new WebSocketServer({
    server,
    path,
    verifyClient: (_info, done) => {
      const refusal = options.refuse?.[attempts++];
      if (refusal) done(false, refusal.status, 'refused by replay', refusal.headers);
      else done(true);
    },
  });
  const connections: WebSocketReplay['connections'] = [];
  wss.on('connection', (socket, req) => {
    const received: string[] = [];
    socket.on('message', (data: Buffer) => received.push(data.toString('utf8')));
    const index =
      connections.push({
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        received,
        socket,
      }) - 1;
    onConnection(socket, index, received);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Poll until `check` passes (for streams, where there is no "done" event to await). */
export async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
