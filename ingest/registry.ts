import type { z } from 'zod';
import { createBlueskyConnector } from './bluesky/connector.ts';
import { BlueskyConfigSchema } from './bluesky/config.ts';
import type { Connector, ConnectorDeps } from './connector.ts';
import { createHackerNewsConnector } from './hackernews/connector.ts';
import { HackerNewsConfigSchema } from './hackernews/config.ts';
import { createMastodonConnector } from './mastodon/connector.ts';
import { MastodonConfigSchema } from './mastodon/config.ts';
import { createRedditConnector } from './reddit/connector.ts';
import { RedditConfigSchema } from './reddit/config.ts';
import { createRssConnector } from './rss/connector.ts';
import { RefreshConfigSchema, type RefreshConfig } from './refresh/config.ts';
import { RssConfigSchema } from './rss/config.ts';
import { createYouTubeConnector } from './youtube/connector.ts';
import { YouTubeConfigSchema } from './youtube/config.ts';

type Env = Record<string, string | undefined>;

/** What the runtime and the CLI know about a source: its config slice, secrets and factory. */
export interface SourceDefinition<C = unknown> {
  source: string;
  description: string;
  schema: z.ZodType<C>;
  /** Env vars this configuration reads; `required: false` ones only unlock extras. */
  credentials(config: C): Array<{ env: string; required: boolean; purpose: string }>;
  create(config: C, env: Env, deps: ConnectorDeps): Connector;
  /**
   * Config keys a `--base-url` override replaces (tests, self-hosted mirrors): every endpoint
   * the connector calls, so nothing of a dry-run against a replay leaks to the real service.
   */
  baseUrlKeys: string[];
  /**
   * The list key the brands' owned accounts of this source are added to before the connector
   * starts (`brands[].owned`), so their items are fetched without being listed twice.
   */
  ownedKey?: string;
}

function define<C>(d: SourceDefinition<C>): SourceDefinition<unknown> {
  return d;
}

const need = (env: Env, name: string): string => env[name] ?? '';

export const SOURCES: readonly SourceDefinition<unknown>[] = [
  define({
    source: 'bluesky',
    description:
      'Bluesky posts from the Jetstream firehose (WebSocket), filtered by the watch queries',
    schema: BlueskyConfigSchema,
    credentials: () => [],
    create: (config, _env, deps) => createBlueskyConnector(config, deps),
    baseUrlKeys: ['base_url', 'appview_url'],
  }),
  define({
    source: 'mastodon',
    description: 'Mastodon public/hashtag timelines (REST polling; streaming with a user token)',
    schema: MastodonConfigSchema,
    credentials: (c) =>
      c.token_env
        ? [
            {
              env: c.token_env,
              required: false,
              purpose: 'user token (read:statuses) for streaming and closed timelines',
            },
          ]
        : [],
    create: (config, env, deps) =>
      createMastodonConnector(
        config,
        config.token_env ? (env[config.token_env] ?? null) : null,
        deps,
      ),
    baseUrlKeys: ['base_url', 'streaming_url'],
  }),
  define({
    source: 'hackernews',
    description: 'Hacker News stories and comments via Algolia search_by_date',
    schema: HackerNewsConfigSchema,
    credentials: () => [],
    create: (config, _env, deps) => createHackerNewsConnector(config, deps),
    baseUrlKeys: ['base_url'],
  }),
  define({
    source: 'reddit',
    description: 'Reddit searches and subreddits (OAuth app-only; needs approved API credentials)',
    schema: RedditConfigSchema,
    credentials: (c) => [
      { env: c.client_id_env, required: true, purpose: 'OAuth client id' },
      { env: c.client_secret_env, required: true, purpose: 'OAuth client secret' },
    ],
    create: (config, env, deps) =>
      createRedditConnector(
        config,
        {
          clientId: need(env, config.client_id_env),
          clientSecret: need(env, config.client_secret_env),
        },
        deps,
      ),
    baseUrlKeys: ['api_base_url', 'auth_base_url'],
  }),
  define({
    source: 'rss',
    description: 'RSS 2.0 / Atom feeds, including Google Alerts (conditional GET)',
    schema: RssConfigSchema,
    credentials: () => [],
    create: (config, _env, deps) => createRssConnector(config, deps),
    baseUrlKeys: [],
  }),
  define({
    source: 'youtube',
    description: 'YouTube comment threads of chosen videos/channels (Data API v3, quota-aware)',
    schema: YouTubeConfigSchema,
    credentials: (c) => [{ env: c.api_key_env, required: true, purpose: 'YouTube Data API key' }],
    create: (config, env, deps) =>
      createYouTubeConnector(config, need(env, config.api_key_env), deps),
    baseUrlKeys: ['base_url'],
    ownedKey: 'channel_ids',
  }),
];

export function findSource(source: string): SourceDefinition<unknown> | undefined {
  return SOURCES.find((s) => s.source === source);
}

export interface SourceCheck {
  source: string;
  /** Present in the config, valid, enabled and every required credential set. */
  configured: boolean;
  needs: string[];
  description: string;
  config: unknown;
  /** `sources.<source>.refresh`: when to re-read engagement (sources that can). */
  refresh: RefreshConfig;
}

/** Validate one source's slice and its credentials; every problem becomes a `needs` line. */
export function checkSource(def: SourceDefinition<unknown>, raw: unknown, env: Env): SourceCheck {
  const base = {
    source: def.source,
    description: def.description,
    config: null as unknown,
    refresh: RefreshConfigSchema.parse(undefined),
  };
  if (raw === undefined || raw === null) {
    return {
      ...base,
      configured: false,
      needs: [`a "sources.${def.source}" section in the config`],
    };
  }
  const where = (prefix: string, path: readonly PropertyKey[]) =>
    `${prefix}${path.length ? `.${path.map(String).join('.')}` : ''}`;
  const parsed = def.schema.safeParse(raw);
  if (!parsed.success) {
    const needs = parsed.error.issues.map(
      (i) => `${where(`sources.${def.source}`, i.path)}: ${i.message}`,
    );
    return { ...base, configured: false, needs };
  }
  const config = parsed.data;
  const needs: string[] = [];
  // Connectors append their API paths to these (`new URL('/api/v1/…', base)`): a path here
  // would be dropped silently, so a gateway prefix is refused with the reason instead.
  for (const key of def.baseUrlKeys) {
    const value = (config as Record<string, unknown>)[key];
    if (typeof value !== 'string') continue;
    const url = new URL(value);
    if (url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash) {
      needs.push(
        `sources.${def.source}.${key}: only scheme://host[:port] (the connector adds the API paths); "${url.pathname}${url.search}" would be ignored`,
      );
    }
  }
  const refresh = RefreshConfigSchema.safeParse((raw as { refresh?: unknown }).refresh);
  if (!refresh.success) {
    for (const i of refresh.error.issues)
      needs.push(`${where(`sources.${def.source}.refresh`, i.path)}: ${i.message}`);
  }
  if ((config as { enabled?: boolean }).enabled === false)
    needs.push(`sources.${def.source}.enabled is false`);
  for (const cred of def.credentials(config)) {
    if (cred.required && !env[cred.env]) needs.push(`env ${cred.env} (${cred.purpose})`);
  }
  return {
    ...base,
    config,
    refresh: refresh.success ? refresh.data : base.refresh,
    configured: needs.length === 0,
    needs,
  };
}

/**
 * The source's config slice with the owned accounts added to its `ownedKey` list (YouTube: the
 * brands' own channels are read like configured ones). No section, no change: the source still
 * needs its credentials configured.
 */
export function withOwnedAccounts(
  def: SourceDefinition<unknown>,
  raw: unknown,
  owned: readonly string[],
): unknown {
  if (!def.ownedKey || owned.length === 0 || !raw || typeof raw !== 'object' || Array.isArray(raw))
    return raw;
  const slice = raw as Record<string, unknown>;
  const listed = Array.isArray(slice[def.ownedKey]) ? (slice[def.ownedKey] as unknown[]) : [];
  return { ...slice, [def.ownedKey]: [...new Set([...listed, ...owned])] };
}
