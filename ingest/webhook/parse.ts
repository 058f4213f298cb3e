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
  errors: Array<{ index: number; reason: string }>;
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

export function parseWebhookBody(
  contentType: string,
  body: string,
  maxItems = WEBHOOK_MAX_ITEMS,
): WebhookParseResult {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  let items: Array<{ value: unknown } | { error: string }>;
  if (NDJSON_TYPES.has(mediaType)) {
    items = body
      .split('\n')
      .map((line, lineNo) => ({ line: line.trim(), lineNo }))
      .filter(({ line }) => line !== '')
      .map(({ line, lineNo }) => {
        try {
          return { value: JSON.parse(line) as unknown };
        } catch (error) {
          return { error: `line ${lineNo + 1} is not valid JSON: ${(error as Error).message}` };
        }
      });
  } else if (JSON_TYPES.test(mediaType)) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      return {
        mentions: [],
        errors: [{ index: 0, reason: `body is not valid JSON: ${(error as Error).message}` }],
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
      result.errors.push({ index, reason: item.error });
      return;
    }
    const parsed = MentionSchema.safeParse(item.value);
    if (!parsed.success) {
      result.errors.push({ index, reason: z.prettifyError(parsed.error).replace(/\n/g, ' ') });
      return;
    }
    // The id is the dedup key across sources: it must carry the item's own source.
    if (!parsed.data.id.startsWith(`${parsed.data.source}:`)) {
      result.errors.push({
        index,
        reason: `id must start with "${parsed.data.source}:" (the mention's source)`,
      });
      return;
    }
    result.mentions.push(parsed.data);
  });
  return result;
}
