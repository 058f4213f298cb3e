import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * A TCP proxy in front of the shared broker that a test can cut and restore, so a broker
 * outage is played without stopping a broker other tests use. A broker advertises its own
 * address in metadata, so the client reaches the proxy through a socket factory that sends
 * every connection here, whatever host and port kafkajs asks for.
 */
export interface CuttableProxy {
  socketFactory: ISocketFactory;
  /** Drop every open connection and refuse new ones, as a stopped broker does. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<CuttableProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.split(':').pop())];
  const open = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect({ host, port });
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as net.AddressInfo).port;
  return {
    socketFactory: ({ onConnect }) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxyPort }, onConnect);
      socket.setKeepAlive(true, 60_000);
      return socket;
    },
    cut: () => {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      down = true;
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
