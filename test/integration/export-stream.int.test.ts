import { describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
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

  it('holds exactly X-Total-Count rows when mentions are stored while it streams', async () => {
    const store = await freshStore(services);
    const acme = [{ workspace: 'ws', brand: 'acme', query_id: 'acme:q', terms: ['acme'] }];
    const mention = (id: string, at: number, enrichedAt: string): EnrichedMention =>
      anEnrichedMention({
        id,
        text: `acme ${id}`,
        created_at: new Date(at).toISOString(),
        enriched_at: enrichedAt,
        brands: acme,
      });
    const day0 = Date.parse('2026-11-18T00:00:00Z');
    // Three days of 900 mentions each: the file is read in day windows, one page or more each.
    await storeThroughSink(
      store,
      Array.from({ length: 2_700 }, (_, i) =>
        mention(`fx:old${i}`, day0 + i * 96_000, '2026-11-20T11:00:00.000Z'),
      ),
    );
    // Once the count is taken and the file streams (its list of days is read), 300 more
    // mentions of the range arrive, on every day of it: the real store, a hook on its reads.
    let arrived = false;
    const arriving: Store = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
        return async (sql: string, params?: Record<string, unknown>) => {
          if (!arrived && sql.includes('toStartOfDay(created_at')) {
            arrived = true;
            await storeThroughSink(
              store,
              Array.from({ length: 300 }, (_, i) =>
                mention(`fx:new${i}`, day0 + 30_000 + i * 864_000, new Date().toISOString()),
              ),
            );
          }
          return target.query(sql, params);
        };
      },
    });
    const app = await buildApi({
      store: arriving,
      config: () => config,
      logger: silentLogger(),
      now: () => new Date('2026-11-21T00:00:00Z'),
      demoKey: { key: 'export-test-key', workspace: 'ws' },
    });
    try {
      const res = await app.inject({
        url: '/v1/export/mentions.csv?brand=acme&from=2026-11-18T00:00:00Z&to=2026-11-21T00:00:00Z',
        headers: { authorization: 'Bearer export-test-key' },
      });
      expect(res.statusCode).toBe(200);
      expect(arrived).toBe(true);
      const lines = res.body
        .slice(1)
        .split('\r\n')
        .filter((l) => l.length > 0);
      expect(Number(res.headers['x-total-count'])).toBe(2_700);
      expect(lines.length - 1).toBe(2_700);
      expect(lines.some((l) => l.startsWith('fx:new'))).toBe(false);
      // They were stored, and the next download has them.
      const again = await app.inject({
        url: '/v1/export/mentions.csv?brand=acme&from=2026-11-18T00:00:00Z&to=2026-11-21T00:00:00Z',
        headers: { authorization: 'Bearer export-test-key' },
      });
      expect(Number(again.headers['x-total-count'])).toBe(3_000);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
