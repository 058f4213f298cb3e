import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import { registry } from '../metrics.ts';
import type { ProcessHealth, Service } from './services.ts';

/**
 * The ops port of every earshot process: `/healthz` (live: no service failed), `/readyz`
 * (every service started and ready: consumers assigned, dependencies answering) and
 * `/metrics` (Prometheus). Plain node:http: it must answer while the rest is starting or
 * stopping, and it is the same in every role. First to start, last to stop.
 */
export interface OpsService extends Service {
  /** The port it listens on (the system's choice with port 0); null before start. */
  port(): number | null;
}

export function opsService(options: {
  port: number;
  host: string;
  health: () => Promise<ProcessHealth>;
  logger: Logger;
}): OpsService {
  let server: Server | null = null;
  return {
    id: 'ops',
    port: () => (server?.address() as AddressInfo | null)?.port ?? null,
    async start() {
      const s = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        const send = (status: number, body: string, type = 'application/json') => {
          response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
          response.end(body);
        };
        if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, '{}');
        if (path === '/metrics') {
          registry.metrics().then(
            (text) => send(200, text, registry.contentType),
            (error: unknown) => send(500, JSON.stringify({ error: String(error) })),
          );
          return;
        }
        if (path === '/healthz' || path === '/readyz') {
          options.health().then(
            (h) => {
              const ok = path === '/healthz' ? h.live : h.ready;
              const status = path === '/healthz' ? (ok ? 'ok' : 'failed') : ok ? 'ready' : h.state;
              send(
                ok ? 200 : 503,
                JSON.stringify({ status, state: h.state, services: h.services }),
              );
            },
            (error: unknown) =>
              send(503, JSON.stringify({ status: 'error', error: String(error) })),
          );
          return;
        }
        send(
          404,
          JSON.stringify({ error: 'not found', routes: ['/healthz', '/readyz', '/metrics'] }),
        );
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port, options.host, () => (s.off('error', reject), resolve()));
      });
      server = s;
      const port = (s.address() as AddressInfo).port;
      options.logger.info(
        { event: 'ops_listening', host: options.host, port },
        `health, readiness and metrics on http://${options.host}:${port}`,
      );
    },
    async stop() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
