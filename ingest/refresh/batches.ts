import type { Mention, MentionInput } from '../../core/contracts/mention.ts';
import { convertItems } from '../emit.ts';
import type { IngestPorts } from '../ports.ts';

/** What every connector's `refresh` does first: its own ids out of mention ids, then batches. */

/** The native ids (group 1 of `pattern`) of the mention ids it recognises, each once, in order. */
export function nativeIds(ids: readonly string[], pattern: RegExp): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const native = pattern.exec(id)?.[1];
    if (native !== undefined) out.add(native);
  }
  return [...out];
}

/** `read` over `items` in batches of `size`, results in order; stops between batches on abort. */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  signal: AbortSignal,
  read: (batch: T[]) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length && !signal.aborted; i += size) {
    out.push(...(await read(items.slice(i, i + size))));
  }
  return out;
}

/**
 * A batch's answer as mentions, normalized as on the normal path (an item that fails is
 * dead-lettered), keeping only the ids asked for: a source answering more, or other, items
 * than it was asked is not telling about these mentions.
 */
export async function askedMentions<T>(
  source: string,
  ports: IngestPorts,
  items: readonly T[],
  normalize: (item: T) => MentionInput | null,
  asked: ReadonlySet<string | undefined>,
): Promise<Mention[]> {
  const { mentions, dead } = convertItems(source, items, normalize);
  if (dead.length > 0) await ports.deadLetter(dead);
  return mentions.filter((m) => asked.has(m.id));
}
