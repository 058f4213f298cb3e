import type { CursorStore } from '../core/cursor-store.ts';
import type { Store } from './port.ts';

/** Connector cursors in the `source_cursors` table (latest `updated_at` wins). */
export class StoreCursorStore implements CursorStore {
  constructor(private readonly store: Store) {}

  async get(source: string, key: string): Promise<string | null> {
    const rows = await this.store.query<{ value: string }>(
      'SELECT argMax(value, updated_at) AS value FROM source_cursors WHERE source = {source:String} AND key = {key:String} GROUP BY source, key',
      { source, key },
    );
    return rows[0]?.value ?? null;
  }

  async set(source: string, key: string, value: string): Promise<void> {
    await this.store.insert('source_cursors', [
      { source, key, value, updated_at: new Date().toISOString() },
    ]);
  }
}
