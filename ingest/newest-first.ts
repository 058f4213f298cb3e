import { z } from 'zod';

/**
 * Resume state for APIs that list newest first with no "since" parameter (YouTube comment
 * threads with order=time, Reddit listings): the newest timestamp produced plus the ids that
 * share it, so an item at exactly that instant is neither lost nor produced twice. Paging
 * stops at the first item that is not new.
 */
const StateSchema = z.object({
  newest_ms: z.number().int(),
  ids: z.array(z.string()).max(1_000),
});
export type NewestFirstState = z.infer<typeof StateSchema>;

export function readNewestFirst(stored: string | null): NewestFirstState | null {
  if (stored === null) return null;
  try {
    return StateSchema.parse(JSON.parse(stored));
  } catch {
    return null;
  }
}

export function isNewer(state: NewestFirstState | null, atMs: number, id: string): boolean {
  if (state === null) return true;
  return atMs > state.newest_ms || (atMs === state.newest_ms && !state.ids.includes(id));
}

/** The state after producing `items` (their times and ids) on top of `state`. */
export function advanceNewestFirst(
  state: NewestFirstState | null,
  items: Array<{ atMs: number; id: string }>,
): NewestFirstState | null {
  let next = state;
  for (const { atMs, id } of items) {
    if (next === null || atMs > next.newest_ms) next = { newest_ms: atMs, ids: [id] };
    else if (atMs === next.newest_ms && !next.ids.includes(id))
      next = { newest_ms: atMs, ids: [...next.ids, id].slice(-1_000) };
  }
  return next;
}
