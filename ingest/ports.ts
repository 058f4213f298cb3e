import type { Logger } from '../core/logger.ts';
import type { Mention } from '../core/contracts/mention.ts';
import type { CursorStore } from '../core/cursor-store.ts';

/** A source item that could not be turned into a Mention: dead-lettered, never dropped. */
export interface IngestDeadLetter {
  source: string;
  /** The raw item as received (JSON text, XML fragment, frame…). */
  payload: string;
  reason: string;
  /** The workspace that sent it (its webhook); absent for public sources and imports. */
  workspace?: string;
}

/**
 * What a connector may touch. The runtime (embedded `start` or the production `ingest`
 * process) provides these; `--dry-run` provides a stdout printer and a memory cursor store.
 */
export interface IngestPorts {
  /** Resolves once the mentions are durably on the bus (acked). Advance cursors after this. */
  produce(mentions: Mention[]): Promise<void>;
  deadLetter(items: IngestDeadLetter[]): Promise<void>;
  cursors: CursorStore;
  logger: Logger;
  /** Aborted on shutdown: loops stop between pages. */
  signal: AbortSignal;
  now(): Date;
}
