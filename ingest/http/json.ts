import { z } from 'zod';
import { InvalidMessageError } from '../../core/errors.ts';
import { InvalidResponseError, truncatePayload } from './errors.ts';

/** Parse a source's JSON envelope with zod; anything else is an InvalidResponseError. */
export function parseJsonBody<S extends z.ZodType>(
  source: string,
  body: string,
  schema: S,
  what: string,
): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidResponseError(`${source}: ${what} is not JSON`, truncatePayload(body), {
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidResponseError(
      `${source}: unexpected ${what}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
      truncatePayload(body),
    );
  }
  return parsed.data;
}

/** Validate one item of a page; a bad item becomes a dead letter with this reason. */
export function parseItem<S extends z.ZodType>(schema: S, item: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    throw new InvalidMessageError(
      `invalid ${what}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
    );
  }
  return parsed.data;
}
