import type { Mention } from '../../core/contracts/mention.ts';
import { ConfigError } from '../../core/errors.ts';
import { chdbLockHolder } from '../../store/chdb-lock.ts';
import { readDescriptor, type AdminDescriptor } from './descriptor.ts';

/** The store settings that decide whether a running server holds the data. */
interface StoreLocation {
  EARSHOT_STORE: 'chdb' | 'clickhouse';
  CHDB_PATH: string;
}

export interface KeyView {
  key_id: string;
  workspace: string;
  name: string;
  created_at: string;
  revoked: boolean;
  scope?: string;
}

/** The CLI's side of the admin endpoint (api/admin.ts): one method per admin command. */
export class AdminClient {
  constructor(readonly descriptor: AdminDescriptor) {}

  async ping(timeoutMs = 3_000): Promise<boolean> {
    try {
      const res = await fetch(`${this.descriptor.url}/admin/v1/ping`, {
        headers: { authorization: `Bearer ${this.descriptor.token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      return res.ok && ((await res.json()) as { pid?: number }).pid === this.descriptor.pid;
    } catch {
      return false;
    }
  }

  createKey(
    workspace: string,
    name: string,
    scope: 'read' | 'admin' = 'admin',
  ): Promise<{ key: string; record: KeyView }> {
    return this.json('POST', '/admin/v1/keys', { workspace, name, scope });
  }

  async listKeys(): Promise<KeyView[]> {
    return (await this.json<{ keys: KeyView[] }>('GET', '/admin/v1/keys')).keys;
  }

  async revokeKey(keyId: string): Promise<void> {
    await this.json('POST', `/admin/v1/keys/${encodeURIComponent(keyId)}/revoke`, {});
  }

  async sql(query: string, format: 'JSONEachRow' | 'PrettyCompactMonoBlock'): Promise<string> {
    return (await this.request('POST', '/admin/v1/sql', { query, format })).text();
  }

  /** Puts the mentions on the running process's bus; answers how many were stored already. */
  async produce(mentions: Mention[]): Promise<number> {
    const body = await this.json<{ already_stored?: number }>('POST', '/admin/v1/import/mentions', {
      mentions,
    });
    return body.already_stored ?? 0;
  }

  async deadLetter(
    items: Array<{ source: string; payload: string; reason: string; workspace?: string }>,
  ) {
    await this.json('POST', '/admin/v1/import/dead-letters', { items });
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const body = await this.json<{ drained: boolean }>('POST', '/admin/v1/import/drain', {
      timeout_ms: timeoutMs,
    });
    return body.drained;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  /** A refusal or bad input comes back as the server's one-line message (a ConfigError). */
  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.descriptor.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.descriptor.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ConfigError(
        `lost the running earshot (pid ${this.descriptor.pid}) at ${this.descriptor.url}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (res.ok) return res;
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // not our JSON error body: show the text as it came
    }
    throw new ConfigError(message || `the running earshot answered ${res.status}`);
  }
}

/**
 * The running `earshot start` that holds the embedded store, reached through its admin
 * endpoint; null when nothing holds it (the command opens the store itself). When something
 * holds it that we cannot reach, one sentence says what to do.
 */
export async function connectRunning(settings: StoreLocation): Promise<AdminClient | null> {
  if (settings.EARSHOT_STORE !== 'chdb') return null;
  const path = settings.CHDB_PATH;
  const holder = chdbLockHolder(path);
  if (holder === null) return null;
  const descriptor = readDescriptor(path);
  if (!descriptor || descriptor.pid !== holder) {
    throw new ConfigError(
      `the data directory ${path} is in use by process ${holder}, which is not an earshot start with an admin endpoint (another earshot command?); wait for it to finish or stop it, then run this again`,
    );
  }
  const client = new AdminClient(descriptor);
  if (!(await client.ping())) {
    throw new ConfigError(
      `earshot start (pid ${holder}) holds ${path} but its admin endpoint at ${descriptor.url} does not answer; wait until it has started, or stop it, then run this again`,
    );
  }
  return client;
}
