/**
 * The failure taxonomy (docs/architecture.md, "Delivery"). The stage runner decides what to do
 * from the class: invalid data is dead-lettered, an unavailable dependency is retried and then
 * stops the stage without committing, anything else is a bug and crashes loudly.
 */
export abstract class EarshotError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

/** The message itself is bad: retrying cannot help. Goes to `<topic>.dlq`. */
export class InvalidMessageError extends EarshotError {
  readonly code = 'invalid_message';
  readonly retriable = false;
}

/** Kafka, ClickHouse or a source is unreachable or overloaded: retry with backoff. */
export class DependencyUnavailableError extends EarshotError {
  readonly code = 'dependency_unavailable';
  readonly retriable = true;
}

/** Configuration is wrong: print every problem and exit non-zero. */
export class ConfigError extends EarshotError {
  readonly code = 'config_error';
  readonly retriable = false;
}

export function isRetriable(error: unknown): boolean {
  return error instanceof EarshotError && error.retriable;
}

/** A short, log-safe description of any thrown value (no mention text in our messages). */
export function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  // Driver errors sometimes carry their reason only in `code`/`type` or in a cause.
  let text = `${error.name}: ${error.message}`;
  if (!error.message) {
    const { code, type } = error as Error & { code?: unknown; type?: unknown };
    const tags = [type, code].filter((t) => typeof t === 'string' || typeof t === 'number');
    text += tags.length > 0 ? `[${tags.join(' ')}]` : '(no message)';
  }
  if (error.cause instanceof Error && depth < 3 && !error.message.includes(error.cause.message)) {
    text += `; caused by ${describeError(error.cause, depth + 1)}`;
  }
  return text;
}

/** A stage dead-lettered too much in a row: stop rather than drain the stream into the DLQ. */
export class TooManyDeadLettersError extends EarshotError {
  readonly code = 'too_many_dead_letters';
  readonly retriable = false;
}
