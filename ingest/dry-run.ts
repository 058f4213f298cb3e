import { parse as parseYaml } from 'yaml';
import type { Mention } from '../core/contracts/mention.ts';
import { MemoryCursorStore } from '../core/cursor-store.ts';
import { ConfigError, EarshotError, isRetriable } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { SourceRejectedError } from './http/errors.ts';
import type { IngestPorts } from './ports.ts';
import { checkSource, findSource, SOURCES } from './registry.ts';

/**
 * `earshot ingest <source> --dry-run`: run one connector once against the real source (or a
 * `--base-url` replay) and print the normalized mentions as JSONL. No bus, no store: cursors
 * live in memory, dead letters go to stderr, so it is safe to point at production config.
 */
export interface DryRunOptions {
  source: string;
  /** The config file's `sources` (may be empty: `--set` can supply the slice). */
  sources: Record<string, unknown>;
  env: Record<string, string | undefined>;
  baseUrl?: string;
  /** `key=value` overrides of the source's slice; values are YAML (`queries=[acme, "acme cloud"]`). */
  set?: string[];
  limit: number;
  timeoutMs?: number;
  out: (line: string) => void;
  err: (line: string) => void;
  logger: Logger;
  signal?: AbortSignal;
  /** The clock (tests); the look-back of a first run counts back from it. */
  now?: () => Date;
}

/**
 * Exit codes of `earshot ingest <source> --dry-run` (docs/sources.md). A failure of the source
 * is a result, not a crash: what was read before it is printed, and the code says which kind.
 */
export const DRY_RUN_EXIT = {
  /** The poll completed (bad items may have been dead-lettered on stderr). */
  ok: 0,
  /** Usage or configuration: unknown source, invalid config, missing credential (or a bug). */
  config: 1,
  /** The source refused (401, 403, 404…): credentials or configuration; retrying cannot help. */
  rejected: 2,
  /** The source failed part-way: unavailable after retries, or an unreadable response. */
  failed: 3,
} as const;

export interface DryRunFailure {
  exitCode: (typeof DRY_RUN_EXIT)['rejected' | 'failed'];
  message: string;
}

export interface DryRunResult {
  produced: number;
  deadLettered: number;
  /** Times a stream lost its connection and reconnected from its cursor. */
  reconnects: number;
  /** What ended the run: the source was done, `--limit`, `--timeout` or a signal. */
  stoppedBy: 'done' | 'limit' | 'timeout' | 'signal';
  /** The source failed: the exit code and one line saying why (mentions read before it count). */
  failure?: DryRunFailure;
}

export async function runDryRun(options: DryRunOptions): Promise<DryRunResult> {
  const def = findSource(options.source);
  if (!def) {
    throw new ConfigError(
      `unknown source "${options.source}"; known: ${SOURCES.map((s) => s.source).join(', ')}`,
    );
  }
  const slice = applyOverrides(options.sources[def.source], options.set ?? []);
  // An explicit dry-run of a disabled source is still useful (checking before enabling it).
  slice.enabled = true;
  if (options.baseUrl) {
    if (def.baseUrlKeys.length === 0) slice.feeds = [options.baseUrl];
    // Every endpoint the source calls goes there (Bluesky: the Jetstream and the AppView), as
    // http(s): the stream keys derive ws(s) from it, the HTTP keys need it.
    const http = options.baseUrl.replace(/^ws(s?):/i, 'http$1:');
    for (const key of def.baseUrlKeys) slice[key] = http;
  }
  const check = checkSource(def, slice, options.env);
  if (!check.configured) {
    throw new ConfigError(`cannot run ${def.source}; it needs:\n  ${check.needs.join('\n  ')}`);
  }

  const controller = new AbortController();
  let stoppedBy: DryRunResult['stoppedBy'] = 'done';
  const stop = (why: DryRunResult['stoppedBy']) => {
    if (controller.signal.aborted) return;
    stoppedBy = why;
    controller.abort();
  };
  const onAbort = () => stop('signal');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.timeoutMs
    ? setTimeout(() => stop('timeout'), options.timeoutMs)
    : undefined;
  let produced = 0;
  let deadLettered = 0;
  let reconnects = 0;
  const ports: IngestPorts = {
    produce(mentions: Mention[]) {
      for (const m of mentions) {
        if (produced >= options.limit) break;
        options.out(JSON.stringify(m));
        produced++;
      }
      if (produced >= options.limit) stop('limit');
      return Promise.resolve();
    },
    deadLetter(items) {
      for (const item of items) {
        deadLettered++;
        options.err(
          JSON.stringify({
            dead_letter: {
              source: item.source,
              reason: item.reason,
              payload: item.payload.slice(0, 500),
            },
          }),
        );
      }
      return Promise.resolve();
    },
    cursors: new MemoryCursorStore(),
    logger: options.logger,
    signal: controller.signal,
    now: options.now ?? (() => new Date()),
  };
  let failure: DryRunFailure | undefined;
  try {
    // A stream keeps reconnecting from its cursor until --limit or --timeout; every loss and
    // wait is said on stderr, so a short result is never mistaken for "that was all".
    await def.create(check.config, options.env, {}).run(ports, {
      once: true,
      keepStreaming: true,
      onState: (state, detail) => {
        // A failure is said once, by the closing line (its result); a lost connection here.
        if (state !== 'backoff') return;
        reconnects++;
        // A person reads this line: the class name of a plain Error tells them nothing.
        options.err(`${def.source}: connection lost: ${(detail ?? '').replace(/^Error: /, '')}`);
      },
    });
  } catch (error) {
    if (!controller.signal.aborted) failure = sourceFailure(error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return { produced, deadLettered, reconnects, stoppedBy, ...(failure ? { failure } : {}) };
}

/**
 * The source's own failures become a result; anything else (a config problem found late, a
 * bug) is thrown on. An unreadable response was dead-lettered (on stderr) by the connector.
 */
function sourceFailure(error: unknown): DryRunFailure {
  if (error instanceof SourceRejectedError)
    return { exitCode: DRY_RUN_EXIT.rejected, message: error.message };
  if (error instanceof EarshotError && isRetriable(error))
    return { exitCode: DRY_RUN_EXIT.failed, message: error.message };
  throw error;
}

function applyOverrides(raw: unknown, sets: string[]): Record<string, unknown> {
  const slice: Record<string, unknown> =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw } : {};
  for (const assignment of sets) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set expects key=value, got "${assignment}"`);
    const key = assignment.slice(0, eq).trim();
    const text = assignment.slice(eq + 1);
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch {
      value = text;
    }
    slice[key] = value;
  }
  return slice;
}
