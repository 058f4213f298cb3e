import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import {
  EnvHttpProxyAgent,
  fetch as undiciFetch,
  type Dispatcher,
  type RequestInit as UndiciRequestInit,
} from 'undici';

/**
 * Outgoing connections (source connectors, alert webhooks) through a corporate proxy. Node 20's fetch and the `ws` client ignore
 * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, so every HTTP client gets undici's
 * `EnvHttpProxyAgent` as its dispatcher and every WebSocket an `https-proxy-agent` (CONNECT),
 * both following the same variables: lowercase before uppercase, as curl and undici read them;
 * `NO_PROXY` is a comma- or space-separated list of hosts (`host`, `.domain`, `*.domain`,
 * `host:port`, or `*` for all), a host matching also its subdomains.
 */

type Env = Record<string, string | undefined>;

export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string;
}

export function proxySettings(env: Env = process.env): ProxySettings {
  const httpProxy = env.http_proxy || env.HTTP_PROXY || undefined;
  return {
    httpProxy,
    // Like curl and undici: without an HTTPS proxy, https:// goes through the HTTP one.
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || httpProxy,
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  };
}

const dispatchers = new Map<string, Dispatcher>();

/**
 * The dispatcher for fetch under these settings: one per distinct setting (in practice one per
 * process), so connections are pooled across every client that uses it.
 */
export function proxyDispatcher(env: Env = process.env): Dispatcher {
  const settings = proxySettings(env);
  const key = JSON.stringify(settings);
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    dispatcher = new EnvHttpProxyAgent({
      // Empty strings, not undefined: undici would otherwise read process.env itself.
      httpProxy: settings.httpProxy ?? '',
      httpsProxy: settings.httpsProxy ?? '',
      noProxy: settings.noProxy,
    });
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/**
 * A fetch through the proxy of `env`, its dispatcher chosen once (per client that calls this).
 * undici's own fetch: Node 20's global one reads no proxy variables, and its bundled undici is
 * not the one whose dispatcher we hold.
 */
export function proxiedFetch(env: Env = process.env): typeof fetch {
  const dispatcher = proxyDispatcher(env);
  return ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as UndiciRequestInit), dispatcher })) as unknown as typeof fetch;
}

/** The proxy a connection to `url` (http, https, ws, wss) goes through, or null for direct. */
export function proxyFor(url: string, settings: ProxySettings): string | null {
  const target = new URL(url);
  const secure = target.protocol === 'https:' || target.protocol === 'wss:';
  const proxy = secure ? settings.httpsProxy : settings.httpProxy;
  if (!proxy) return null;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port) || (secure ? 443 : 80);
  return bypasses(host, port, settings.noProxy) ? null : proxy;
}

function bypasses(host: string, port: number, noProxy: string): boolean {
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const m = /^(.+):(\d+)$/.exec(entry);
    if (m && !m[1]!.includes(':') && Number(m[2]) !== port) continue;
    const name = (m && !m[1]!.includes(':') ? m[1]! : entry)
      .replace(/^\*?\./, '')
      .replace(/^\[|\]$/g, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

const wsAgents = new Map<string, Agent>();

/** The agent a WebSocket to `url` connects through (CONNECT tunnel), or undefined for direct. */
export function webSocketAgent(url: string, env: Env = process.env): Agent | undefined {
  const proxy = proxyFor(url, proxySettings(env));
  if (proxy === null) return undefined;
  let agent = wsAgents.get(proxy);
  if (!agent) {
    agent = new HttpsProxyAgent(proxy);
    wsAgents.set(proxy, agent);
  }
  return agent;
}
