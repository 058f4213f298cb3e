import { describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * The CSV export answers a failure it can know of before streaming with a JSON error, not
 * with a 200 whose stream is then cut: the request is validated and the first page read
 * before the headers go out.
 */
describe('CSV export', () => {
  const services = inject('services');
  const config = parseEarshotConfig(`
workspaces:
  - id: ws
    name: W
    brands:
      - { id: acme, name: ACME, query: acme }
`);

  it('answers a store that fails on the first page with a JSON error, not a cut stream', async () => {
    const store = await freshStore(services);
    await storeThroughSink(store, [
      anEnrichedMention({
        id: 'fx:1',
        text: 'acme',
        created_at: '2026-11-20T10:00:00.000Z',
        brands: [{ workspace: 'ws', brand: 'acme', query_id: 'acme:q', terms: ['acme'] }],
      }),
    ]);
    const app = await buildApi({
      store,
      config: () => config,
      logger: silentLogger(),
      now: () => new Date('2026-11-20T12:00:00Z'),
      demoKey: { key: 'export-test-key', workspace: 'ws' },
    });
    const url = '/v1/export/mentions.csv?brand=acme&from=2026-11-20T00:00:00Z';
    const headers = { authorization: 'Bearer export-test-key' };
    try {
      const ok = await app.inject({ url, headers });
      expect(ok.statusCode).toBe(200);
      expect(ok.body.split('\n')[1]).toMatch(/^fx:1,/);

      await store.close();
      const res = await app.inject({ url, headers });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ error: { code: expect.any(String) as unknown } });
    } finally {
      await app.close();
    }
  });
});
