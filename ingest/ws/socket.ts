import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { parseRetryAfter } from '../http/rate-limit.ts';
import { SourceRejectedError } from '../http/errors.ts';
import { isFatalRefusal } from './reconnect.ts';
import { webSocketAgent } from '../../core/proxy.ts';

/**
 * One WebSocket connection whose messages are handled strictly in order, with backpressure:
 * while more than `highWater` messages wait (the produce is slower than the firehose), the
 * socket is paused so TCP flow control pushes back instead of our memory growing. `closed`
 * resolves after the socket closed *and* every received message was handled, so the caller
 * can reconnect from a cursor that reflects all of them.
 */
export interface SocketOptions {
  headers?: Record<string, string>;
  signal: AbortSignal;
  handle: (data: string) => Promise<void>;
  onOpen?: (socket: { send: (data: string) => void; fail: (error: Error) => void }) => void;
  /** No message for this long = a dead connection (half-open TCP): terminate and reconnect. */
  idleTimeoutMs?: number;
  openTimeoutMs?: number;
  highWater?: number;
  /** Where `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` are read; default `process.env`. */
  env?: Record<string, string | undefined>;
  maxPayloadBytes?: number;
}

export interface SocketOutcome {
  /** The socket opened at all (a reconnect after an open resets the backoff). */
  opened: boolean;
  code: number;
  reason: string;
  /** A handler failure (e.g. the produce was not acked) or a connection error. */
  error?: Error;
  /** Messages handled on this connection. */
  handled: number;
  /** The server refused the upgrade with this HTTP status (429, 503, 404…). */
  status?: number;
  /** …and asked to wait this long first (`Retry-After`, seconds or an HTTP date). */
  retryAfterMs?: number;
}

export function runSocket(url: string, options: SocketOptions): Promise<SocketOutcome> {
  const highWater = options.highWater ?? 1_000;
  return new Promise((resolve) => {
    const agent = webSocketAgent(url, options.env);
    const ws = new WebSocket(url, {
      headers: options.headers,
      ...(agent ? { agent } : {}),
      handshakeTimeout: options.openTimeoutMs ?? 10_000,
      maxPayload: options.maxPayloadBytes ?? 16 * 1024 * 1024,
    });
    const queue: string[] = [];
    let draining = false;
    let paused = false;
    let closed = false;
    let opened = false;
    let handled = 0;
    let code = 1006;
    let reason = '';
    let error: Error | undefined;
    let status: number | undefined;
    let retryAfterMs: number | null = null;
    let idleTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      if (!closed || draining) return;
      clearTimeout(idleTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        opened,
        code,
        reason,
        handled,
        ...(error ? { error } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(retryAfterMs !== null ? { retryAfterMs } : {}),
      });
    };
    const fail = (e: Error) => {
      error ??= e;
      queue.length = 0;
      ws.terminate();
    };
    const armIdle = () => {
      if (!options.idleTimeoutMs) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => fail(new Error(`no message for ${options.idleTimeoutMs} ms`)),
        options.idleTimeoutMs,
      );
    };
    const drain = async () => {
      if (draining) return;
      draining = true;
      while (queue.length > 0 && !error) {
        const data = queue.shift() as string;
        try {
          await options.handle(data);
          handled++;
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
        }
        if (paused && queue.length < highWater / 2 && !closed) {
          paused = false;
          ws.resume();
        }
      }
      draining = false;
      finish();
    };
    const onAbort = () => ws.close(1000, 'shutdown');
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();

    ws.on('open', () => {
      opened = true;
      armIdle();
      options.onOpen?.({ send: (data) => ws.send(data), fail });
    });
    ws.on('message', (data: WebSocket.RawData) => {
      armIdle();
      if (error) return;
      queue.push(rawToString(data));
      if (queue.length >= highWater && !paused) {
        paused = true;
        ws.pause();
      }
      void drain();
    });
    // A refused upgrade (429, 503…) says how long to stay away: keep its status and
    // Retry-After for the caller's reconnect instead of ws's bare "Unexpected server response".
    ws.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      retryAfterMs = parseRetryAfter(res.headers['retry-after'], new Date());
      const wait = retryAfterMs === null ? '' : ` (Retry-After ${retryAfterMs / 1000} s)`;
      const message = `HTTP ${status} at connect${wait}`;
      // A refusal retrying cannot fix (401, 403, 404…) is the source's answer, as on HTTP.
      error ??= isFatalRefusal({ status }) ? new SourceRejectedError(message) : new Error(message);
      res.resume();
      ws.terminate();
    });
    ws.on('ping', armIdle);
    ws.on('error', (e) => {
      error ??= e;
    });
    ws.on('close', (c, r) => {
      closed = true;
      code = c;
      reason = r.toString('utf8');
      clearTimeout(idleTimer);
      finish();
    });
  });
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
