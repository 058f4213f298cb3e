/**
 * The dead-letter envelope: the original bytes travel on `<topic>.dlq` unchanged, and why and
 * where they failed travel in headers. Written by the stage runner (invalid messages) and the
 * ingest ports (source items that do not normalize), read by the DLQ sink into `dead_letters`.
 * One copy of the header names, so writer and reader cannot drift apart.
 */

export const DeadLetterHeaders = {
  code: 'x-error-code',
  reason: 'x-error-reason',
  stage: 'x-error-stage',
  sourceTopic: 'x-source-topic',
  sourcePartition: 'x-source-partition',
  sourceOffset: 'x-source-offset',
  failedAt: 'x-failed-at',
  workspace: 'x-workspace',
} as const;

/** Kafka headers are small by convention; a reason longer than this is cut, not refused. */
export const MAX_DEAD_LETTER_REASON = 4_000;

export interface DeadLetterEnvelope {
  code: string;
  reason: string;
  /** Which stage refused it: a stage name, or `ingest:<source>`. */
  stage: string;
  /** The topic it was read from, or `source:<name>` for a source item. */
  sourceTopic: string;
  sourcePartition?: number;
  sourceOffset?: string;
  failedAt: Date;
  /** The workspace that sent it (its webhook); absent for public sources and imports. */
  workspace?: string;
}

/** The headers of a dead letter; only the fields given are written. */
export function deadLetterHeaders(e: DeadLetterEnvelope): Record<string, string> {
  const h: Record<string, string> = {
    [DeadLetterHeaders.code]: e.code,
    [DeadLetterHeaders.reason]: e.reason.slice(0, MAX_DEAD_LETTER_REASON),
    [DeadLetterHeaders.stage]: e.stage,
    [DeadLetterHeaders.sourceTopic]: e.sourceTopic,
  };
  if (e.sourcePartition !== undefined)
    h[DeadLetterHeaders.sourcePartition] = String(e.sourcePartition);
  if (e.sourceOffset !== undefined) h[DeadLetterHeaders.sourceOffset] = e.sourceOffset;
  h[DeadLetterHeaders.failedAt] = e.failedAt.toISOString();
  if (e.workspace !== undefined) h[DeadLetterHeaders.workspace] = e.workspace;
  return h;
}

/** What the `dead_letters` table keeps of a dead letter's headers. */
export interface DeadLetterFields {
  source_topic: string;
  source_offset: string | null;
  stage: string;
  error_code: string;
  reason: string;
  failed_at: string;
  workspace: string;
}

/**
 * Reads the headers back. Missing headers get defaults rather than a refusal: a dead letter is
 * evidence, and one written by an older or foreign producer is still worth keeping.
 */
export function readDeadLetterHeaders(
  headers: Readonly<Record<string, string>>,
  dlqTopic: string,
  now: () => Date = () => new Date(),
): DeadLetterFields {
  return {
    source_topic: headers[DeadLetterHeaders.sourceTopic] ?? dlqTopic.replace(/\.dlq$/, ''),
    source_offset: headers[DeadLetterHeaders.sourceOffset] ?? null,
    stage: headers[DeadLetterHeaders.stage] ?? 'unknown',
    error_code: headers[DeadLetterHeaders.code] ?? 'unknown',
    reason: headers[DeadLetterHeaders.reason] ?? '',
    failed_at: headers[DeadLetterHeaders.failedAt] ?? now().toISOString(),
    // Who sent it, when a workspace did (its webhook); '' for sources and imports.
    workspace: headers[DeadLetterHeaders.workspace] ?? '',
  };
}
