/**
 * Durable per-source resume points. Decision (for every connector): cursors live in a store
 * table (`source_cursors`), not in a compacted Kafka topic, because the embedded default has
 * no Kafka and the store is already the durable thing both modes share. A connector advances
 * its cursor only after the produce of the mentions before it was acknowledged.
 */
export interface CursorStore {
  get(source: string, key: string): Promise<string | null>;
  set(source: string, key: string, value: string): Promise<void>;
}

/** A CursorStore in memory: for tests and `--dry-run`. */
export class MemoryCursorStore implements CursorStore {
  private readonly values = new Map<string, string>();

  get(source: string, key: string): Promise<string | null> {
    return Promise.resolve(this.values.get(`${source}\u0000${key}`) ?? null);
  }

  set(source: string, key: string, value: string): Promise<void> {
    this.values.set(`${source}\u0000${key}`, value);
    return Promise.resolve();
  }
}
