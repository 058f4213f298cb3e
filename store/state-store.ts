import type { StateStore } from '../core/state-store.ts';
import type { Store } from './port.ts';

/** Enricher snapshots in the `enrich_state` table (the latest `updated_at` wins). */
export class StoreStateStore implements StateStore {
  constructor(private readonly store: Store) {}

  async load(key: string): Promise<unknown> {
    const rows = await this.store.query<{ value: string }>(
      'SELECT argMax(value, updated_at) AS value FROM enrich_state WHERE key = {key:String} GROUP BY key',
      { key },
    );
    return rows[0] ? (JSON.parse(rows[0].value) as unknown) : null;
  }

  async save(key: string, value: unknown): Promise<void> {
    await this.store.insert('enrich_state', [
      { key, value: JSON.stringify(value), updated_at: new Date().toISOString() },
    ]);
    // Old snapshots are dead weight; merges drop them, this makes it happen soon.
    await this.store.command('OPTIMIZE TABLE enrich_state FINAL');
  }
}
