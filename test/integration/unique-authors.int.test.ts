import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import type { Store } from '../../store/port.ts';
import { brandHealth } from '../../store/queries/brand-health.ts';
import { applyMentionPatch } from '../../store/queries/mention-actions.ts';
import { setMute } from '../../store/queries/mutes.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * Distinct authors leave out what a person hid or muted: an author whose every mention of the
 * period is hidden, or who is muted, is no author of it (the other numbers already leave those
 * mentions out). On a real ClickHouse engine, with the actions' own code.
 */
const services = inject('services');
const ACTOR = { keyId: 'k', keyName: 'test' };
const FROM = new Date('2026-11-20T00:00:00Z');
const TO = new Date('2026-11-21T00:00:00Z');
let store: Store;

const mention = (id: string, author: string, hour: number): EnrichedMention =>
  anEnrichedMention({
    id,
    source: 'test',
    text: `acme ${id}`,
    created_at: new Date(FROM.getTime() + hour * 3_600_000).toISOString(),
    author: { id: author, handle: author, display_name: null, followers: 10 },
    brands: [{ workspace: 'ws', brand: 'acme', query_id: 'acme:q', terms: ['acme'] }],
  });

const health = () =>
  brandHealth(store, {
    workspace: 'ws',
    brand: 'acme',
    from: FROM,
    to: TO,
    intervalSeconds: 3_600,
    now: TO,
  });

beforeAll(async () => {
  store = await freshStore(services);
  await storeThroughSink(store, [
    mention('fx:a1', 'ana', 1),
    mention('fx:a2', 'ana', 2),
    mention('fx:b1', 'ben', 3),
    mention('fx:c1', 'cy', 4),
    mention('fx:d1', 'dee', 5),
  ]);
});

afterAll(async () => {
  await store?.close();
});

describe('unique authors', () => {
  it('leaves out an author whose every mention is hidden, and a muted author', async () => {
    expect((await health()).totals.unique_authors).toBe(4);
    // One of Ana's two mentions hidden: she still wrote one that counts.
    await applyMentionPatch(store, 'ws', 'fx:a1', { hidden: true }, ACTOR, new Date());
    expect((await health()).totals.unique_authors).toBe(4);
    // Ben's only mention hidden, Cy muted: two authors fewer, as two mentions fewer.
    await applyMentionPatch(store, 'ws', 'fx:b1', { hidden: true }, ACTOR, new Date());
    await setMute(
      store,
      'ws',
      { kind: 'author', value: 'test/cy', label: 'cy', muted: true },
      ACTOR,
      new Date(),
    );
    const after = await health();
    expect(after.totals.volume).toBe(2);
    expect(after.totals.unique_authors).toBe(2);
    // Brought back: counted again.
    await applyMentionPatch(store, 'ws', 'fx:b1', { hidden: false }, ACTOR, new Date());
    expect((await health()).totals.unique_authors).toBe(3);
  });
});
