/**
 * A short-lived result cache for read routes: dashboards refresh the same questions over
 * and over, and data lands in batches (the sink flushes about once a second), so answering
 * the same URL from memory for a few seconds changes nothing a person can see. Concurrent
 * identical requests share one computation (single flight). Bounded; errors are not cached.
 */
export class ResultCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return value;
  }

  /** Forget every result: a setup change (a brand saved) makes the cached answers stale. */
  clear(): void {
    this.entries.clear();
  }

  /** Drops every answer whose key starts with `prefix` (a workspace's, after its data changed). */
  forget(prefix: string): void {
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
