import type { z } from 'zod';
import type { ConsumedMessage } from '../bus/port.ts';
import { InvalidMessageError } from '../errors.ts';

type Source = Pick<ConsumedMessage, 'value' | 'offset' | 'topic'>;

/** Decode a JSON message with a schema; bad JSON or a bad shape is an InvalidMessageError. */
export function decodeJson<S extends z.ZodType>(schema: S, message: Source): z.infer<S> {
  return validateJson(schema, parseJson(message), message);
}

/** The message's JSON; not JSON is an InvalidMessageError. */
export function parseJson(message: Source): unknown {
  try {
    return JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new InvalidMessageError(`not JSON: ${(error as Error).message}`, {
      context: { topic: message.topic, offset: message.offset },
    });
  }
}

/** The message's parsed JSON through a schema; a bad shape is an InvalidMessageError. */
export function validateJson<S extends z.ZodType>(
  schema: S,
  json: unknown,
  message: Source,
): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidMessageError(`invalid message: ${summarizeIssues(parsed.error)}`, {
      context: { topic: message.topic, offset: message.offset },
    });
  }
  return parsed.data;
}

/** One line per problem, with the field path: "created_at: Invalid ISO datetime". */
export function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
