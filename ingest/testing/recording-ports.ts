import type { Mention } from '../../core/contracts/mention.ts';
import { MemoryCursorStore } from '../../core/cursor-store.ts';
import { silentLogger } from '../../core/logger.ts';
import type { IngestDeadLetter, IngestPorts } from '../ports.ts';

/**
 * IngestPorts that record what a connector produced, for tests and the bench. `failProduce`
 * makes the next N produces reject (an unacked produce must not move the cursor).
 */
export interface RecordingPorts {
  ports: IngestPorts;
  produced: Mention[];
  dead: IngestDeadLetter[];
  cursors: MemoryCursorStore;
  controller: AbortController;
  failProduce: { remaining: number };
}

export function recordingPorts(
  options: {
    now?: () => Date;
    cursors?: MemoryCursorStore;
    /** Abort once this many mentions were produced. */
    stopAfter?: number;
  } = {},
): RecordingPorts {
  const produced: Mention[] = [];
  const dead: IngestDeadLetter[] = [];
  const cursors = options.cursors ?? new MemoryCursorStore();
  const controller = new AbortController();
  const failProduce = { remaining: 0 };
  const ports: IngestPorts = {
    produce(mentions) {
      if (failProduce.remaining > 0) {
        failProduce.remaining--;
        return Promise.reject(new Error('produce not acked'));
      }
      produced.push(...mentions);
      if (options.stopAfter !== undefined && produced.length >= options.stopAfter)
        controller.abort();
      return Promise.resolve();
    },
    deadLetter(items) {
      dead.push(...items);
      return Promise.resolve();
    },
    cursors,
    logger: silentLogger(),
    signal: controller.signal,
    now: options.now ?? (() => new Date()),
  };
  return { ports, produced, dead, cursors, controller, failProduce };
}
