import type { Mention } from '../../core/contracts/mention.ts';
import { ownedMentionId } from '../../core/contracts/owned-id.ts';
import type { IngestDeadLetter } from '../ports.ts';

/**
 * What a workspace sends through its webhook (`POST /v1/ingest`) belongs to that workspace.
 * Its ids live in the workspace's own namespace, `<source>:@<workspace>:<native id>`, so an id
 * sent with one workspace's key can never name a mention of another workspace, nor one a public
 * source stored: the sink finds no stored row to add engagement to, and stores a new mention
 * of the sender's own. The owner is set here, from the key, whatever the body said, and the
 * matcher holds it to that workspace's brands.
 */

/** Longest id the Mention contract accepts. */
const MAX_ID = 512;

export function ownedMention(m: Mention, workspace: string): Mention | { error: string } {
  const id = ownedMentionId(m.source, workspace, m.id.slice(m.source.length + 1));
  if (id.length > MAX_ID)
    return {
      error: `id too long: at most ${MAX_ID - (id.length - m.id.length)} characters in this workspace (stored as "${m.source}:@${workspace}:…")`,
    };
  return { ...m, id, workspace };
}

/** Dead letters of one request, at most this many (the rest are only in the reply). */
export const WEBHOOK_MAX_DEAD_LETTERS = 100;
/** A dead letter keeps at most this much of the item as received. */
export const WEBHOOK_MAX_DEAD_LETTER_BYTES = 64 * 1024;

/**
 * Rejected items of one request as dead letters of the workspace: bounded in number and size,
 * so one bad request cannot flood the `dead_letters` table. Only items received are kept
 * (a body cut short at the item limit has nothing to keep for what was not read).
 */
export function webhookDeadLetters(
  errors: ReadonlyArray<{ index: number; reason: string; payload?: string }>,
  workspace: string,
): IngestDeadLetter[] {
  const out: IngestDeadLetter[] = [];
  for (const e of errors) {
    if (out.length >= WEBHOOK_MAX_DEAD_LETTERS) break;
    if (e.payload === undefined) continue;
    out.push({
      source: 'webhook',
      workspace,
      payload: truncateUtf8(e.payload, WEBHOOK_MAX_DEAD_LETTER_BYTES),
      reason: `item ${e.index}: ${e.reason}`,
    });
  }
  return out;
}

function truncateUtf8(s: string, maxBytes: number): string {
  if (s.length * 3 <= maxBytes) return s;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  // Cut at a character boundary: a continuation byte (10xxxxxx) never starts a character.
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
