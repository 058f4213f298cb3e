import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  listApiKeys,
  parseApiKey,
  secretMatches,
  type ApiKeyRecord,
  type KeyScope,
} from '../store/queries/api-keys.ts';
import type { Store } from '../store/port.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's workspace, set by the auth hook on every /v1 route. */
    workspaceId: string;
    apiKeyId: string;
    /** What the key may do: `read` keys get 403 on every route that writes. */
    apiKeyScope: KeyScope;
    /** The key's name, as `earshot keys create --name` gave it ('' for the demo key). */
    apiKeyName: string;
  }
}

export interface AuthOptions {
  store: Store;
  /** `EARSHOT_DEMO_API_KEY`: a fixed key the demo workspace accepts (scripted use). */
  demoKey?: { key: string; workspace: string } | undefined;
  /** Requests per second per key, with a burst of twice that. */
  ratePerSecond: number;
  now?: () => number;
  /** Key changes made in this process (the admin endpoint): applied at the next request. */
  keyChanges?: KeyChanges;
  /** Short-lived read keys this process mints for itself (the report printer's). */
  printKeys?: PrintKeys;
}

/**
 * Read keys that live in this process's memory only, for one workspace and a few minutes: the
 * key the PDF printer hands the dashboard it loads (reports/print.ts). Never stored, never
 * listed, revoked when the print is done; they can only read (`GET`), like a `read` key.
 */
export class PrintKeys {
  private readonly keys = new Map<string, { workspace: string; expires: number }>();
  constructor(private readonly now: () => number = Date.now) {}
  mint(workspace: string, ttlMs: number): string {
    const key = `esp_${randomBytes(24).toString('base64url')}`;
    this.keys.set(key, { workspace, expires: this.now() + ttlMs });
    return key;
  }
  revoke(key: string): void {
    this.keys.delete(key);
  }
  /** The key's workspace while it is valid; expired ones are forgotten on the way. */
  workspaceOf(key: string): string | null {
    const k = this.keys.get(key);
    if (!k) return null;
    if (k.expires <= this.now()) {
      this.keys.delete(key);
      return null;
    }
    return k.workspace;
  }
}

/** Tells the key cache that keys were created or revoked, so a revoke applies at once. */
export class KeyChanges {
  private readonly listeners = new Set<() => void>();
  subscribe(listener: () => void): void {
    this.listeners.add(listener);
  }
  notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/**
 * Bearer API keys scoped to a workspace, and a token bucket per key. Keys are cached and
 * re-read from the store at most every 5 s (and at once on an unknown id), so a new or
 * revoked key takes effect within seconds without a lookup per request.
 */
export function createAuth(options: AuthOptions) {
  const now = options.now ?? Date.now;
  let cache = new Map<string, ApiKeyRecord>();
  let loadedAt = 0;
  let loading: Promise<void> | null = null;
  const buckets = new Map<string, { tokens: number; at: number }>();
  // Bumped by a key change: a load that started before it may hold the old keys, so it
  // is not trusted as fresh and the next request reads again.
  let generation = 0;
  options.keyChanges?.subscribe(() => {
    generation++;
    loadedAt = 0;
  });

  const reload = async () => {
    const started = generation;
    loading ??= listApiKeys(options.store)
      .then((keys) => {
        cache = new Map(keys.map((k) => [k.key_id, k]));
        loadedAt = started === generation ? now() : 0;
      })
      .finally(() => (loading = null));
    await loading;
  };

  const resolve = async (
    header: string | undefined,
  ): Promise<{ workspace: string; keyId: string; keyName: string; scope: KeyScope }> => {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match)
      throw new ApiError(
        401,
        'unauthorized',
        'missing API key: send "Authorization: Bearer <key>" (create one with `earshot keys create`)',
      );
    const key = match[1]!;
    if (options.demoKey && sameSecret(key, options.demoKey.key))
      return { workspace: options.demoKey.workspace, keyId: 'demo', keyName: '', scope: 'admin' };
    const printing = key.startsWith('esp_') ? options.printKeys?.workspaceOf(key) : null;
    if (printing)
      return { workspace: printing, keyId: 'print', keyName: 'report printer', scope: 'read' };
    const parsed = parseApiKey(key);
    if (!parsed) throw new ApiError(401, 'unauthorized', 'invalid API key');
    if (now() - loadedAt > 5_000 || !cache.has(parsed.id)) await reload();
    const record = cache.get(parsed.id);
    if (!record || record.revoked || !secretMatches(parsed.secret, record.secret_sha256)) {
      throw new ApiError(401, 'unauthorized', 'invalid API key');
    }
    // Keys from before scopes (no column value) could do everything: they stay admin.
    return {
      workspace: record.workspace,
      keyId: record.key_id,
      keyName: record.name,
      scope: record.scope === 'read' ? 'read' : 'admin',
    };
  };

  const takeToken = (keyId: string, reply: FastifyReply) => {
    const capacity = options.ratePerSecond * 2;
    const t = now();
    const b = buckets.get(keyId) ?? { tokens: capacity, at: t };
    b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * options.ratePerSecond);
    b.at = t;
    if (b.tokens < 1) {
      const wait = Math.ceil((1 - b.tokens) / options.ratePerSecond);
      buckets.set(keyId, b);
      void reply.header('Retry-After', String(wait));
      throw new ApiError(429, 'rate_limited', `too many requests for this key: retry in ${wait} s`);
    }
    b.tokens -= 1;
    buckets.set(keyId, b);
  };

  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { workspace, keyId, keyName, scope } = await resolve(request.headers.authorization);
    takeToken(keyId, reply);
    // By method, not by a list of routes: a write route added later is admin-only without
    // anyone remembering to say so. Every /v1 route that changes something is not a GET.
    if (scope !== 'admin' && request.method !== 'GET' && request.method !== 'HEAD')
      throw new ApiError(
        403,
        'forbidden',
        'this key can only read (scope read): setup, alert rules, acknowledgements and ingest need an admin key (`earshot keys create --scope admin`)',
      );
    request.workspaceId = workspace;
    request.apiKeyId = keyId;
    request.apiKeyScope = scope;
    request.apiKeyName = keyName;
  };
}

/** Constant-time comparison (through hashes, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}
