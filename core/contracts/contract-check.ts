import { z } from 'zod';
import type { ConsumedMessage } from '../bus/port.ts';
import { parseJson, validateJson } from './codec.ts';
import {
  EnrichedMentionSchema,
  inIngestWindow,
  LANG_CODE_RE,
  MentionSchema,
  type Mention,
  MENTION_ID_RE,
  SOURCE_NAME_RE,
  WORKSPACE_ID_RE,
  type EnrichedMention,
} from './mention.ts';

/**
 * Decode a raw mention (the enrich stage's input) as `decodeJson(MentionSchema, …)` does: a
 * hand-written check in front for the shape every producer of the contract writes (zod cost
 * 4.4 µs a mention, this check well under 1 µs). Beyond decodeEnriched's conditions, the keys
 * must come in the contract's order: the mention's keys go on into the enriched message in the
 * order they come, and zod would give them in its own.
 */
export function decodeMention(
  message: Pick<ConsumedMessage, 'value' | 'offset' | 'topic'>,
): Mention {
  const json = parseJson(message);
  return isCanonicalMention(json) ? (json as Mention) : validateJson(MentionSchema, json, message);
}

/**
 * Decode an enriched mention (the sink's input): the zod contract, with a hand-written check in
 * front for the one shape enrich produces. The contract cost the sink 6–8 µs of CPU a mention
 * (and the garbage of a copy of every object and array in it); this check about 1 µs.
 *
 * The check accepts only JSON the contract accepts *unchanged*: every field present (no
 * defaults to fill), no key the contract would strip, every value within the contract's bounds
 * (the same patterns). Anything else — an older message, an unusual optional field, a bad
 * value — goes through the contract itself, which fills defaults or rejects with the reason
 * (InvalidMessageError: the runner dead-letters it). So what comes out is what the contract
 * would give, either way (`contract-check.test.ts` holds the two to it).
 *
 * A bound tightened in mention.ts must be tightened here in the same change: a new field fails
 * safe (the key count differs, zod decides), a stricter rule on an existing field does not.
 */
export function decodeEnriched(
  message: Pick<ConsumedMessage, 'value' | 'offset' | 'topic'>,
): EnrichedMention {
  const json = parseJson(message);
  return isCanonicalEnriched(json)
    ? (json as EnrichedMention)
    : validateJson(EnrichedMentionSchema, json, message);
}

/** zod's own ISO datetime pattern with an offset (`z.iso.datetime({ offset: true })`). */
const DATETIME_RE = z.regexes.datetime({ offset: true });
const TAB_OR_NEWLINE = /[\t\n\r]/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own enumerable keys (JSON.parse makes only those). */
function keyCount(o: Obj): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const strOrNull = (v: unknown, max: number) => v === null || str(v, max);
const num = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const countOrNull = (v: unknown) => v === null || count(v);
const datetime = (v: unknown) => typeof v === 'string' && DATETIME_RE.test(v);
const lang = (v: unknown) => typeof v === 'string' && LANG_CODE_RE.test(v);

function strings(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const s of v) if (typeof s !== 'string') return false;
  return true;
}

/** z.url(): what URL parses, taken as is only when zod would not trim or strip it. */
function url(v: unknown): boolean {
  if (v === null) return true;
  return str(v, 4096) && v.trim() === v && !TAB_OR_NEWLINE.test(v) && URL.canParse(v);
}

const SENTIMENT_LABELS = new Set(['pos', 'neu', 'neg', 'unscored']);

function sentiment(v: unknown): boolean {
  if (!isObj(v) || keyCount(v) !== 5) return false;
  if (!SENTIMENT_LABELS.has(v.label as string)) return false;
  if (!num(v.score, -1, 1) || !num(v.confidence, 0, 1)) return false;
  const model = v.model;
  if (!isObj(model) || keyCount(model) !== 2) return false;
  if (typeof model.name !== 'string' || typeof model.version !== 'string') return false;
  if (!Array.isArray(v.explanation)) return false;
  for (const it of v.explanation as unknown[]) {
    if (!isObj(it) || keyCount(it) !== 5) return false;
    if (typeof it.text !== 'string' || typeof it.kind !== 'string') return false;
    if (!countOrNull(it.start) || !countOrNull(it.end)) return false;
    if (!num(it.weight, -Infinity, Infinity)) return false;
  }
  return true;
}

function brands(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const b of v as unknown[]) {
    if (!isObj(b)) return false;
    if (typeof b.brand !== 'string' || typeof b.workspace !== 'string') return false;
    if (typeof b.query_id !== 'string' || !strings(b.terms)) return false;
    const owned = b.owned !== undefined;
    if (owned && typeof b.owned !== 'boolean') return false;
    if (keyCount(b) !== (owned ? 5 : 4)) return false;
  }
  return true;
}

function topics(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const t of v as unknown[]) {
    if (!isObj(t) || typeof t.id !== 'string' || typeof t.label !== 'string') return false;
    const brand = t.brand !== undefined;
    if (brand && typeof t.brand !== 'string') return false;
    if (keyCount(t) !== (brand ? 3 : 2)) return false;
  }
  return true;
}

/** The raw contract's keys in its order; `?` marks the optional ones. */
export const MENTION_KEYS = [
  'id',
  'source',
  'url',
  'author',
  'text',
  'title',
  'lang',
  'created_at',
  'fetched_at',
  'engagement',
  'parent_id',
  'parent_author?',
  'synthetic',
  'sentiment?',
  'refresh?',
  'workspace?',
].map((k) => ({ key: k.replace('?', ''), optional: k.endsWith('?') }));
const AUTHOR_KEYS = ['id', 'handle', 'display_name', 'followers'];
const ENGAGEMENT_KEYS = ['likes', 'reposts', 'replies', 'views'];
const GIVEN_LABELS = new Set(['pos', 'neu', 'neg']);

/** Whether `o`'s keys are exactly `keys`, in that order. */
function keysInOrder(o: Obj, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** Whether the raw contract would accept `v` exactly as it is, keys in its order. */
export function isCanonicalMention(v: unknown): boolean {
  if (!isObj(v)) return false;
  let i = 0;
  for (const k in v) {
    // Skip the optional keys absent before this one; a key out of order or unknown fails.
    while (i < MENTION_KEYS.length && MENTION_KEYS[i]!.key !== k && MENTION_KEYS[i]!.optional) i++;
    if (i === MENTION_KEYS.length || MENTION_KEYS[i]!.key !== k) return false;
    i++;
  }
  while (i < MENTION_KEYS.length && MENTION_KEYS[i]!.optional) i++;
  if (i !== MENTION_KEYS.length) return false;
  // `parent_author` (a nested object with defaults) is left to the contract.
  if (v.parent_author !== undefined) return false;
  if (v.sentiment !== undefined && !GIVEN_LABELS.has(v.sentiment as string)) return false;
  if (v.refresh !== undefined && typeof v.refresh !== 'boolean') return false;
  if (v.workspace !== undefined) {
    if (typeof v.workspace !== 'string' || !WORKSPACE_ID_RE.test(v.workspace)) return false;
  }
  const { id, author, engagement } = v;
  if (typeof id !== 'string' || id.length < 3 || id.length > 512 || !MENTION_ID_RE.test(id))
    return false;
  if (typeof v.source !== 'string' || !SOURCE_NAME_RE.test(v.source)) return false;
  if (!url(v.url) || !str(v.text, 100_000) || !strOrNull(v.title, 2_000)) return false;
  if (!isObj(author) || !keysInOrder(author, AUTHOR_KEYS)) return false;
  if (!strOrNull(author.id, 512) || !strOrNull(author.handle, 512)) return false;
  if (!strOrNull(author.display_name, 512) || !countOrNull(author.followers)) return false;
  if (!(v.lang === null || lang(v.lang))) return false;
  // The ingest window as well (the contract's refinement of the times).
  if (!datetime(v.created_at) || !inIngestWindow(v.created_at as string)) return false;
  if (!(
    v.fetched_at === null ||
    (datetime(v.fetched_at) && inIngestWindow(v.fetched_at as string))
  ))
    return false;
  if (!isObj(engagement) || !keysInOrder(engagement, ENGAGEMENT_KEYS)) return false;
  if (!count(engagement.likes) || !count(engagement.reposts)) return false;
  if (!count(engagement.replies) || !countOrNull(engagement.views)) return false;
  return strOrNull(v.parent_id, 512) && typeof v.synthetic === 'boolean';
}

/** The keys every canonical enriched mention has (the contract's, less the optional ones). */
const REQUIRED = 23;

/** Whether the contract would accept `v` exactly as it is (see decodeEnriched). */
export function isCanonicalEnriched(v: unknown): boolean {
  if (!isObj(v)) return false;
  // Optional fields: `refresh` and `workspace` as they are; `parent_author` (a nested object
  // with defaults) is left to the contract.
  let optional = 0;
  if (v.refresh !== undefined) {
    if (typeof v.refresh !== 'boolean') return false;
    optional++;
  }
  if (v.workspace !== undefined) {
    if (typeof v.workspace !== 'string' || !WORKSPACE_ID_RE.test(v.workspace)) return false;
    optional++;
  }
  if (keyCount(v) !== REQUIRED + optional) return false;
  const { id, author, engagement, spam } = v;
  if (typeof id !== 'string' || id.length < 3 || id.length > 512 || !MENTION_ID_RE.test(id))
    return false;
  if (typeof v.source !== 'string' || !SOURCE_NAME_RE.test(v.source)) return false;
  if (!url(v.url) || !str(v.text, 100_000) || !strOrNull(v.title, 2_000)) return false;
  if (!isObj(author) || keyCount(author) !== 4) return false;
  if (!strOrNull(author.id, 512) || !strOrNull(author.handle, 512)) return false;
  if (!strOrNull(author.display_name, 512) || !countOrNull(author.followers)) return false;
  if (!lang(v.lang) || !(v.lang_declared === null || lang(v.lang_declared))) return false;
  if (!num(v.lang_confidence, 0, 1)) return false;
  if (!datetime(v.created_at) || !datetime(v.enriched_at)) return false;
  if (!(v.fetched_at === null || datetime(v.fetched_at))) return false;
  if (!isObj(engagement) || keyCount(engagement) !== 4) return false;
  if (!count(engagement.likes) || !count(engagement.reposts)) return false;
  if (!count(engagement.replies) || !countOrNull(engagement.views)) return false;
  if (!strOrNull(v.parent_id, 512) || typeof v.synthetic !== 'boolean') return false;
  if (!sentiment(v.sentiment)) return false;
  // Emotions are null today (no scorer gives them); a record is left to the contract.
  if (v.emotion !== null) return false;
  if (!brands(v.brands) || !topics(v.topics)) return false;
  if (!strings(v.keywords) || !strings(v.hashtags)) return false;
  if (!(v.dup_group === null || typeof v.dup_group === 'string')) return false;
  if (!isObj(spam) || keyCount(spam) !== 2) return false;
  return num(spam.score, 0, 1) && strings(spam.reasons);
}
