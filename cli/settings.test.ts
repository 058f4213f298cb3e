import { describe, expect, it } from 'vitest';
import { AppSettingsSchema } from './settings.ts';

describe('settings defaults', () => {
  it('the sink waits at most 500 ms for a batch: ingest → queryable p95 ≤ 2 s at 50/s', () => {
    // 1,000 ms gave p95 2.3–2.7 s on the shared machine (docs/benchmarks.md, e2e).
    expect(AppSettingsSchema.parse({}).SINK_FLUSH_INTERVAL_MS).toBe(500);
  });
});
