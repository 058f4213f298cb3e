import { DependencyUnavailableError, EarshotError } from '../../core/errors.ts';

/**
 * A response we cannot read (not JSON, not the documented envelope, a captive-portal page).
 * Retriable, since proxies and overloaded servers do this transiently; the connector
 * dead-letters the payload once per occurrence so the evidence is kept.
 */
export class InvalidResponseError extends DependencyUnavailableError {
  constructor(
    message: string,
    readonly payload: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options);
  }
}

/** The source refused us for a reason retrying cannot fix (401, 403, 404): check config. */
export class SourceRejectedError extends EarshotError {
  readonly code = 'source_rejected';
  readonly retriable = false;
}

/** Cap what we keep of an unreadable body: the evidence, not a megabyte of HTML. */
export function truncatePayload(body: string, max = 16_384): string {
  return body.length <= max ? body : `${body.slice(0, max)}…[${body.length - max} more chars]`;
}
