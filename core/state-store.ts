/**
 * Snapshots of stateful enrichers (topic clusters, the near-duplicate index, author stats),
 * so a restarted enrich process continues where it stopped. JSON values, one per key.
 */
export interface StateStore {
  load(key: string): Promise<unknown>;
  save(key: string, value: unknown): Promise<void>;
}
