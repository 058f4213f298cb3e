import { InProcessBus } from '../core/bus/in-process.ts';
import type { CursorStore } from '../core/cursor-store.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Service } from '../core/runtime/services.ts';
import { StoreCursorStore } from '../store/cursor-store.ts';
import { StoredMark } from './embedded.ts';
import type { Runtime } from './runtime.ts';

/**
 * Connector cursors that move only once what was produced before them is stored, for the
 * in-process bus.
 *
 * A connector advances its cursor once the produce of the mentions before it was acknowledged.
 * On Kafka the acknowledgement is durable (acks=-1). On the in-process bus it is memory: a
 * hard kill (out of memory, kill -9, a power cut) between the produce and the sink's insert
 * lost those mentions for good, since the stored cursor said they had been read. Here `set`
 * keeps the value pending, with the bus's end offsets at that moment, and writes it once
 * enrich and the sinks have committed past them. A kill before that leaves the cursor behind:
 * the source reads those items again and the sink's lookup stores each once. `get` answers the
 * pending value, so the running connector goes on from where it is.
 */
export class StoredCursors implements CursorStore {
  private readonly pending = new Map<string, Pending>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly inner: CursorStore,
    private readonly bus: InProcessBus,
  ) {}

  get(source: string, key: string): Promise<string | null> {
    const p = this.pending.get(idOf(source, key));
    return p ? Promise.resolve(p.value) : this.inner.get(source, key);
  }

  set(source: string, key: string, value: string): Promise<void> {
    this.pending.set(idOf(source, key), {
      source,
      key,
      value,
      mark: new StoredMark(this.bus),
    });
    return Promise.resolve();
  }

  /** Cursors still waiting for their mentions to be stored. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Writes every pending cursor whose mentions are stored (one flush at a time). */
  flush(): Promise<void> {
    this.flushing ??= this.writeStored().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async writeStored(): Promise<void> {
    for (const [id, p] of [...this.pending]) {
      if (!p.mark.stored()) continue;
      await this.inner.set(p.source, p.key, p.value);
      // A newer value set meanwhile stays pending until its own mentions are stored.
      if (this.pending.get(id) === p) this.pending.delete(id);
    }
  }
}

interface Pending {
  source: string;
  key: string;
  value: string;
  /** What was produced when the cursor was set: the cursor is written once that is stored. */
  mark: StoredMark;
}

const idOf = (source: string, key: string) => `${source}\u0000${key}`;

const FLUSH_EVERY_MS = 250;

/**
 * `earshot start`'s cursors (`rt.cursors`), on the in-process bus only. Listed before the drain,
 * so it stops after it: once the pipeline is drained every pending cursor is stored, and it
 * writes them before the store closes.
 */
export function storedCursorsService(rt: Runtime): Service {
  let cursors: StoredCursors | null = null;
  let timer: NodeJS.Timeout | null = null;
  let logger: Logger | null = null;
  return {
    id: 'cursors',
    start: () => {
      if (!(rt.bus instanceof InProcessBus)) return Promise.resolve();
      const own = new StoredCursors(new StoreCursorStore(rt.store), rt.bus);
      const log = rt.logger.child({ role: 'ingest' });
      cursors = own;
      logger = log;
      rt.cursors = own;
      // An outage of the store is logged once when it starts and once when it ends, not at
      // every tick; the pending values wait meanwhile.
      let failing = false;
      timer = setInterval(() => {
        own.flush().then(
          () => {
            if (failing)
              log.info({ event: 'cursor_write_recovered' }, 'source cursors written again');
            failing = false;
          },
          (error: unknown) => {
            if (!failing)
              log.warn(
                { event: 'cursor_write_failed', error: describeError(error) },
                'source cursors not written; retrying',
              );
            failing = true;
          },
        );
      }, FLUSH_EVERY_MS);
      timer.unref();
      return Promise.resolve();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      if (!cursors) return;
      await cursors.flush();
      if (cursors.waiting > 0)
        logger?.warn(
          { event: 'cursors_behind', count: cursors.waiting },
          'some source cursors stay where they were: those items are read again on the next start',
        );
    },
    health: () => ({ ready: true, detail: { waiting: cursors?.waiting ?? 0 } }),
  };
}
