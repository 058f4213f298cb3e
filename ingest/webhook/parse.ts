import { z } from 'zod';
import { MentionSchema, type Mention } from '../../core/contracts/mention.ts';

/**
 * Body of `POST /v1/ingest` (pure; the API mounts it): one mention as a JSON object, a JSON
 * array of mentions, or NDJSON (one mention per line). Every item is validated on its own, so
 * a batch with one bad item still ingests the rest and reports exactly which one failed.
 * `index` is the item's position: array index, or the 0-based number of the non-empty line.
 */
export interface WebhookParseResult {
  mentions: Mention[];
  /** `payload`: the rejected item (or body) as received, for the dead letters; not for replies. */
  errors: Array<{ index: number; reason: string; payload?: string }>;
}

export const WEBHOOK_MAX_ITEMS = 10_000;

const JSON_TYPES = /^(application|text)\/(json|[a-z0-9.+-]+\+json)$/;
const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
  'application/json-lines',
]);

/**
 * `accept` turns a valid mention into what is kept (the API: the workspace's own copy) or
 * rejects it with a reason, reported at the item's index like any other.
 */
export function parseWebhookBody(
  contentType: string,
  body: string,
  maxItems = WEBHOOK_MAX_ITEMS,
  accept: (mention: Mention) => Mention | { error: string } = (m) => m,
): WebhookParseResult {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  let items: Array<{ value: unknown; raw?: string } | { error: string; raw: string }>;
  if (NDJSON_TYPES.has(mediaType)) {
    items = body
      .split('\n')
      .map((line, lineNo) => ({ line: line.trim(), lineNo }))
      .filter(({ line }) => line !== '')
      .map(({ line, lineNo }) => {
        try {
          return { value: JSON.parse(line) as unknown, raw: line };
        } catch (error) {
          return {
            error: `line ${lineNo + 1} is not valid JSON: ${(error as Error).message}`,
            raw: line,
          };
        }
      });
  } else if (JSON_TYPES.test(mediaType)) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      return {
        mentions: [],
        errors: [
          {
            index: 0,
            reason: `body is not valid JSON: ${(error as Error).message}`,
            payload: body,
          },
        ],
      };
    }
    items = (Array.isArray(json) ? (json as unknown[]) : [json]).map((value: unknown) => ({
      value,
    }));
  } else {
    return {
      mentions: [],
      errors: [
        {
          index: 0,
          reason: `unsupported content type "${mediaType || '(none)'}": send application/json or application/x-ndjson`,
          payload: body,
        },
      ],
    };
  }

  const result: WebhookParseResult = { mentions: [], errors: [] };
  if (items.length === 0) {
    result.errors.push({ index: 0, reason: 'no mentions in the body' });
    return result;
  }
  items.forEach((item, index) => {
    if (index >= maxItems) {
      if (index === maxItems)
        result.errors.push({
          index,
          reason: `more than ${maxItems} items; the rest were not read`,
        });
      return;
    }
    if ('error' in item) {
      result.errors.push({ index, reason: item.error, payload: item.raw });
      return;
    }
    // Serialized only when rejected: the accepted ones (the common case) cost nothing more.
    const payload = () => item.raw ?? keepable(item.value);
    const parsed = MentionSchema.safeParse(item.value);
    if (!parsed.success) {
      result.errors.push({
        index,
        reason: z.prettifyError(parsed.error).replace(/\n/g, ' '),
        payload: payload(),
      });
      return;
    }
    // The id is the dedup key across sources: it must carry the item's own source.
    if (!parsed.data.id.startsWith(`${parsed.data.source}:`)) {
      result.errors.push({
        index,
        reason: `id must start with "${parsed.data.source}:" (the mention's source)`,
        payload: payload(),
      });
      return;
    }
    const kept = accept(parsed.data);
    if ('error' in kept) {
      result.errors.push({ index, reason: kept.error, payload: payload() });
      return;
    }
    result.mentions.push(kept);
  });
  return result;
}

/**
 * The rejected item as text for its dead letter. JSON.parse accepts nesting deeper than
 * JSON.stringify can write back (it overflows the stack), so such an item keeps a note instead.
 */
function keepable(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    if (error instanceof RangeError) return '(an item nested too deeply to keep)';
    throw error;
  }
}
