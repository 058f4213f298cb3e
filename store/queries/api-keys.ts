import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../port.ts';

/**
 * API keys: `esk_<id>_<secret>`. Only SHA-256 of the secret is stored; the whole key is shown
 * once, at creation. Lookups go by id, the secret is compared in constant time.
 */
export interface ApiKeyRecord {
  key_id: string;
  workspace: string;
  secret_sha256: string;
  name: string;
  created_at: string;
  revoked: boolean;
  /** `read`: dashboards and exports; `admin`: also setup, rules, keys and ingest. */
  scope: KeyScope;
}

export const KEY_SCOPES = ['read', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

const KEY_RE = /^esk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const m = KEY_RE.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, expectedSha256: string): boolean {
  const a = Buffer.from(sha256(secret), 'hex');
  const b = Buffer.from(expectedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function createApiKey(
  store: Store,
  workspace: string,
  name: string,
  scope: KeyScope = 'admin',
): Promise<{ key: string; record: ApiKeyRecord }> {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  const record: ApiKeyRecord = {
    key_id: id,
    workspace,
    secret_sha256: sha256(secret),
    name,
    created_at: now,
    revoked: false,
    scope,
  };
  await store.insert('api_keys', [{ ...record, updated_at: now }]);
  return { key: `esk_${id}_${secret}`, record };
}

export async function revokeApiKey(store: Store, keyId: string): Promise<boolean> {
  const [existing] = await store.query<ApiKeyRecord>(
    'SELECT * FROM api_keys FINAL WHERE key_id = {id:String}',
    { id: keyId },
  );
  if (!existing) return false;
  await store.insert('api_keys', [
    { ...existing, revoked: true, updated_at: new Date().toISOString() },
  ]);
  return true;
}

export async function listApiKeys(store: Store): Promise<ApiKeyRecord[]> {
  return store.query<ApiKeyRecord>(
    'SELECT key_id, workspace, secret_sha256, name, created_at, revoked, scope FROM api_keys FINAL ORDER BY created_at',
  );
}
