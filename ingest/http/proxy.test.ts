import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readFixture,
  startHttpReplay,
  startJetstreamReplay,
  type HttpReplayServer,
  type JetstreamReplay,
} from '../../test/support/replay-servers.ts';
import { BlueskyConfigSchema } from '../bluesky/config.ts';
import { createBlueskyConnector } from '../bluesky/connector.ts';
import { createHackerNewsConnector } from '../hackernews/connector.ts';
import { HackerNewsConfigSchema } from '../hackernews/config.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { proxyFor, proxySettings } from '../../core/proxy.ts';

/** A local HTTP proxy (CONNECT and plain forwarding) that records what went through it. */
async function startProxy() {
  const seen: string[] = [];
  const server = createProxy(createServer());
  server.on('connect', (req: { url?: string }) => seen.push(`CONNECT ${req.url ?? ''}`));
  server.on('request', (req: { method?: string; url?: string }) =>
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`),
  );
  // Tunnels are detached from the HTTP server: track their sockets to end them on close.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PROXY_VARS = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

describe('proxy settings', () => {
  it('reads lowercase before uppercase; https falls back to the http proxy', () => {
    expect(
      proxySettings({ HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:1', NO_PROXY: 'x' }),
    ).toEqual({ httpProxy: 'http://lower:1', httpsProxy: 'http://lower:1', noProxy: 'x' });
    expect(proxySettings({ HTTPS_PROXY: 'http://s:1' })).toEqual({
      httpProxy: undefined,
      httpsProxy: 'http://s:1',
      noProxy: '',
    });
  });

  it('picks the proxy by scheme and honours NO_PROXY entries', () => {
    const s = proxySettings({
      HTTP_PROXY: 'http://p:3128',
      HTTPS_PROXY: 'http://sp:3128',
      NO_PROXY: 'localhost, .corp.example,*.intra, 10.0.0.1:8080 api.example',
    });
    expect(proxyFor('wss://jetstream.example/subscribe', s)).toBe('http://sp:3128');
    expect(proxyFor('ws://jetstream.example/subscribe', s)).toBe('http://p:3128');
    expect(proxyFor('https://localhost:9/x', s)).toBeNull();
    expect(proxyFor('https://a.corp.example/x', s)).toBeNull();
    expect(proxyFor('https://corp.example/x', s)).toBeNull();
    expect(proxyFor('https://b.intra/x', s)).toBeNull();
    expect(proxyFor('http://10.0.0.1:8080/x', s)).toBeNull();
    expect(proxyFor('http://10.0.0.1:8081/x', s)).toBe('http://p:3128');
    expect(proxyFor('https://sub.api.example/x', s)).toBeNull();
    expect(proxyFor('https://notapi.example/x', s)).toBe('http://sp:3128');
    expect(proxyFor('https://any.example/x', { ...s, noProxy: '*' })).toBeNull();
    expect(proxyFor('https://any.example/x', proxySettings({}))).toBeNull();
  });
});

describe('connectors through a proxy (HTTP_PROXY / NO_PROXY)', () => {
  const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  let jet: JetstreamReplay | undefined;
  let http: HttpReplayServer | undefined;
  afterEach(async () => {
    for (const k of PROXY_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await proxy?.close();
    await jet?.close();
    await http?.close();
    proxy = jet = http = undefined;
  });

  const frames = readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n');

  async function runBluesky() {
    jet = await startJetstreamReplay(frames, {
      closeWhenDone: true,
      http: (url) => ({
        profiles: url.searchParams.getAll('actors').map((did) => ({ did, handle: 'h.test' })),
      }),
    });
    const config = BlueskyConfigSchema.parse({
      base_url: jet.url,
      appview_url: jet.url.replace(/^ws/, 'http'),
    });
    const rec = recordingPorts();
    await createBlueskyConnector(config).run(rec.ports, { once: true });
    return rec;
  }

  it('sends the Jetstream WebSocket and the AppView requests through the proxy', async () => {
    proxy = await startProxy();
    for (const k of PROXY_VARS) delete process.env[k];
    process.env.HTTP_PROXY = proxy.url;
    const rec = await runBluesky();
    const host = new URL(jet!.url).host;
    expect(rec.produced.length).toBeGreaterThan(0);
    expect(rec.produced[0]!.author.handle).toBe('h.test');
    // One tunnel for the socket, at least one for the AppView lookups.
    expect(proxy.seen.filter((s) => s.includes(host)).length).toBeGreaterThanOrEqual(2);
    expect(jet!.httpRequests.length).toBeGreaterThan(0);
  });

  it('sends a polling source through the proxy (lowercase http_proxy)', async () => {
    proxy = await startProxy();
    for (const k of PROXY_VARS) delete process.env[k];
    process.env.http_proxy = proxy.url;
    http = await startHttpReplay(() => ({ body: { hits: [], nbPages: 0, page: 0 } }));
    const config = HackerNewsConfigSchema.parse({ base_url: http.baseUrl, queries: ['acme'] });
    await createHackerNewsConnector(config).run(recordingPorts().ports, { once: true });
    expect(http.requests.length).toBeGreaterThan(0);
    expect(proxy.seen.some((s) => s.includes(new URL(http!.baseUrl).host))).toBe(true);
  });

  it('bypasses the proxy for NO_PROXY hosts', async () => {
    proxy = await startProxy();
    for (const k of PROXY_VARS) delete process.env[k];
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'localhost,127.0.0.1';
    const rec = await runBluesky();
    expect(rec.produced[0]!.author.handle).toBe('h.test');
    expect(proxy.seen).toEqual([]);
  });
});
