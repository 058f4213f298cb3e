import { z } from 'zod';
import { MentionSchema, type Mention, type MentionInput } from '../core/contracts/mention.ts';
import { describeError, EarshotError } from '../core/errors.ts';
import type { IngestDeadLetter, IngestPorts } from './ports.ts';

/**
 * Turning a page of source items into mentions, the same way for every connector: each item
 * normalizes alone, so one bad item is dead-lettered with its reason and the rest go on.
 */

export interface Converted {
  mentions: Mention[];
  dead: IngestDeadLetter[];
}

export function convertItems<T>(
  source: string,
  items: readonly T[],
  normalize: (item: T) => MentionInput | null,
  raw: (item: T) => string = (item) => JSON.stringify(item),
): Converted {
  const mentions: Mention[] = [];
  const dead: IngestDeadLetter[] = [];
  for (const item of items) {
    const result = convertOne(source, item, normalize, raw);
    if (result === null) continue;
    if ('reason' in result) dead.push(result);
    else mentions.push(result);
  }
  return { mentions, dead };
}

/** null = intentionally skipped (a delete event, a filtered kind); never an error. */
export function convertOne<T>(
  source: string,
  item: T,
  normalize: (item: T) => MentionInput | null,
  raw: (item: T) => string = (i) => JSON.stringify(i),
): Mention | IngestDeadLetter | null {
  let input: MentionInput | null;
  try {
    input = normalize(item);
  } catch (error) {
    // Our own InvalidMessageError carries a readable reason; anything else is a normalizer bug
    // on unexpected data, which is still about this one item, so it is dead-lettered too.
    const reason = error instanceof EarshotError ? error.message : describeError(error);
    return { source, payload: safeRaw(raw, item), reason };
  }
  if (input === null) return null;
  const parsed = MentionSchema.safeParse(input);
  if (!parsed.success) {
    return {
      source,
      payload: safeRaw(raw, item),
      reason: `mention contract: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
    };
  }
  return parsed.data;
}

function safeRaw<T>(raw: (item: T) => string, item: T): string {
  try {
    return raw(item);
  } catch {
    return String(item);
  }
}

/** Dead letters first (cheap), then the produce; both resolve only once acked. */
export async function deliver(ports: IngestPorts, converted: Converted): Promise<void> {
  if (converted.dead.length > 0) {
    ports.logger.warn(
      {
        event: 'ingest_dead_lettered',
        source: converted.dead[0]?.source,
        count: converted.dead.length,
      },
      'source items dead-lettered',
    );
    await ports.deadLetter(converted.dead);
  }
  if (converted.mentions.length > 0) await ports.produce(converted.mentions);
}
