import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../core/bus/in-process.ts';
import { dlqTopic, Topics } from '../core/contracts/topics.ts';
import { MemoryCursorStore } from '../core/cursor-store.ts';
import { StoredMark } from './embedded.ts';
import { StoredCursors } from './stored-cursors.ts';

/** The pipeline's consumers, moved by hand: join, then commit up to an offset. */
function pipeline(bus: InProcessBus) {
  bus.join('earshot-enrich', [Topics.raw], true);
  bus.join('earshot-sink', [Topics.enriched], true);
  bus.join('earshot-dlq-sink', [dlqTopic(Topics.raw), dlqTopic(Topics.enriched)], true);
  return {
    enrich: async () => {
      // enrich produces before it commits, as the stage runner does
      const n = bus.lag(Topics.raw, 'earshot-enrich');
      await bus.produce(
        Topics.enriched,
        Array.from({ length: n }, (_, i) => ({ key: String(i), value: '{}' })),
      );
      bus.commit(Topics.raw, 'earshot-enrich', bus.endOffset(Topics.raw));
    },
    sink: () => bus.commit(Topics.enriched, 'earshot-sink', bus.endOffset(Topics.enriched)),
  };
}

const mentions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: '{"id":"m"}' }));

describe('StoredCursors (the in-process bus)', () => {
  it('writes a cursor only once the mentions produced before it are stored', async () => {
    const bus = new InProcessBus();
    const store = new MemoryCursorStore();
    const cursors = new StoredCursors(store, bus);
    const { enrich, sink } = pipeline(bus);

    await bus.produce(Topics.raw, mentions(3));
    await cursors.set('rss', 'feed:a', 'after-3');
    // The connector reads its own cursor back at once; the store does not have it yet.
    expect(await cursors.get('rss', 'feed:a')).toBe('after-3');
    await cursors.flush();
    expect(await store.get('rss', 'feed:a')).toBeNull();

    await enrich(); // enriched, not stored: a kill now must not lose the three
    await cursors.flush();
    expect(await store.get('rss', 'feed:a')).toBeNull();
    expect(cursors.waiting).toBe(1);

    sink();
    await cursors.flush();
    expect(await store.get('rss', 'feed:a')).toBe('after-3');
    expect(cursors.waiting).toBe(0);
  });

  it('keeps a newer value pending until its own mentions are stored', async () => {
    const bus = new InProcessBus();
    const store = new MemoryCursorStore();
    const cursors = new StoredCursors(store, bus);
    const { enrich, sink } = pipeline(bus);

    await bus.produce(Topics.raw, mentions(2));
    await cursors.set('mastodon', 'timeline:x', '10');
    await enrich();
    sink();
    await bus.produce(Topics.raw, mentions(2)); // more, not stored yet
    await cursors.set('mastodon', 'timeline:x', '12');
    await cursors.flush();
    // '10' was stored but replaced by '12' before the write: nothing older is written over it
    expect(await store.get('mastodon', 'timeline:x')).toBeNull();
    expect(await cursors.get('mastodon', 'timeline:x')).toBe('12');
    await enrich();
    sink();
    await cursors.flush();
    expect(await store.get('mastodon', 'timeline:x')).toBe('12');
  });

  it("waits for a source's dead letters to be stored as well", async () => {
    const bus = new InProcessBus();
    const store = new MemoryCursorStore();
    const cursors = new StoredCursors(store, bus);
    pipeline(bus);

    await bus.produce(dlqTopic(Topics.raw), [{ key: null, value: 'not a post' }]);
    await cursors.set('reddit', 'q', 'x');
    await cursors.flush();
    expect(await store.get('reddit', 'q')).toBeNull();
    bus.commit(dlqTopic(Topics.raw), 'earshot-dlq-sink', 1);
    await cursors.flush();
    expect(await store.get('reddit', 'q')).toBe('x');
  });

  it('reads a cursor it never set from the store', async () => {
    const store = new MemoryCursorStore();
    await store.set('hackernews', 'acme', '42');
    const cursors = new StoredCursors(store, new InProcessBus());
    expect(await cursors.get('hackernews', 'acme')).toBe('42');
  });
});

describe('StoredMark (what POST /v1/ingest waits for on the in-process bus)', () => {
  it('resolves true once enrich and the sinks committed past it, false on timeout', async () => {
    const bus = new InProcessBus();
    const { enrich } = pipeline(bus);
    await bus.produce(Topics.raw, mentions(4));
    const mark = new StoredMark(bus);
    expect(await mark.until(30, 5)).toBe(false);
    await enrich();
    expect(await mark.until(30, 5)).toBe(false); // enriched, not stored
    // What is produced after the mark does not hold it back.
    await bus.produce(Topics.raw, mentions(2));
    bus.commit(Topics.enriched, 'earshot-sink', 4);
    expect(await mark.until(30, 5)).toBe(true);
  });
});
