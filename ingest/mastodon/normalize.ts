import { z } from 'zod';
import type { MentionInput } from '../../core/contracts/mention.ts';
import { parseItem } from '../http/json.ts';
import { normalizeLang } from '../text/lang.ts';
import { htmlToText } from '../text/html.ts';
import { toUtcIso } from '../text/time.ts';

const Count = z.number().int().nonnegative().nullish();

const AccountSchema = z.object({
  id: z.string(),
  acct: z.string(),
  username: z.string().optional(),
  display_name: z.string().nullish(),
  url: z.string().nullish(),
  uri: z.string().nullish(),
  followers_count: Count,
  bot: z.boolean().nullish(),
  noindex: z.boolean().nullish(),
});

const BaseStatusSchema = z.object({
  id: z.string().min(1),
  uri: z.string().min(1),
  url: z.string().nullish(),
  created_at: z.string(),
  content: z.string(),
  spoiler_text: z.string().nullish(),
  visibility: z.string().optional(),
  language: z.string().nullish(),
  account: AccountSchema,
  in_reply_to_id: z.string().nullish(),
  in_reply_to_account_id: z.string().nullish(),
  /** Accounts the status mentions; a reply mentions the account it answers. */
  mentions: z
    .array(z.looseObject({ id: z.string(), acct: z.string(), url: z.string().nullish() }))
    .nullish(),
  favourites_count: Count,
  reblogs_count: Count,
  replies_count: Count,
  quotes_count: Count,
});
/** Mastodon `Status` (https://docs.joinmastodon.org/entities/Status/), the fields a mention needs. */
export const MastodonStatusSchema = BaseStatusSchema.extend({
  reblog: BaseStatusSchema.nullish(),
});
export type MastodonStatus = z.infer<typeof MastodonStatusSchema>;

export interface MastodonNormalizeOptions {
  /** The instance host, to make local handles global (`alice` → `alice@mastodon.social`). */
  instanceHost: string;
  fetchedAt: Date;
  respectNoindex: boolean;
}

/**
 * Status → Mention. A boost is the boosted status itself (its uri is the dedup key, so the
 * original and all its boosts are one mention). The id is the ActivityPub `uri`, global
 * across instances; the instance-local `id` is only the pagination cursor. Content warnings
 * are kept in front of the text: they often carry the sentiment ("CW: rant about Acme").
 */
export function normalizeMastodonStatus(
  raw: unknown,
  options: MastodonNormalizeOptions,
): MentionInput | null {
  const outer = parseItem(MastodonStatusSchema, raw, 'mastodon status');
  const status = outer.reblog ?? outer;
  if (options.respectNoindex && status.account.noindex === true) return null;
  if (status.visibility && !['public', 'unlisted'].includes(status.visibility)) return null;
  const acct = globalAcct(status.account, options.instanceHost);
  const body = htmlToText(status.content);
  const spoiler = status.spoiler_text?.trim() ?? '';
  return {
    id: `mastodon:${status.uri}`,
    source: 'mastodon',
    url: status.url ?? (/^https?:\/\//.test(status.uri) ? status.uri : null),
    author: {
      id: status.account.uri ?? status.account.url ?? acct,
      handle: acct,
      display_name: status.account.display_name || null,
      followers: status.account.followers_count ?? null,
    },
    text: spoiler ? `${spoiler}\n\n${body}` : body,
    title: null,
    lang: normalizeLang(status.language ?? null),
    created_at: toUtcIso(status.created_at, 'created_at'),
    fetched_at: options.fetchedAt.toISOString(),
    engagement: {
      likes: status.favourites_count ?? 0,
      reposts: status.reblogs_count ?? 0,
      replies: status.replies_count ?? 0,
      views: null,
    },
    // in_reply_to_id is instance-local and cannot be turned into the parent's uri offline.
    parent_id: null,
    ...repliedTo(status, options.instanceHost),
  };
}

/**
 * Whom a reply answers, as a global `name@instance` handle: `in_reply_to_account_id` is
 * instance-local, but a reply mentions the account it answers, and `mentions` carries that
 * account's id with its acct. Replies to a brand's own account are kept for it (owned).
 */
function repliedTo(
  status: z.infer<typeof BaseStatusSchema>,
  instanceHost: string,
): { parent_author?: { id: string | null; handle: string } } {
  const to = status.in_reply_to_account_id;
  if (!to) return {};
  if (to === status.account.id)
    return { parent_author: { id: null, handle: globalAcct(status.account, instanceHost) } };
  const mentioned = status.mentions?.find((m) => m.id === to);
  if (!mentioned) return {};
  return {
    parent_author: {
      id: mentioned.url ?? null,
      handle: globalAcct({ acct: mentioned.acct, url: mentioned.url }, instanceHost),
    },
  };
}

function globalAcct(
  account: { acct: string; uri?: string | null | undefined; url?: string | null | undefined },
  instanceHost: string,
): string {
  return account.acct.includes('@')
    ? account.acct
    : `${account.acct}@${accountHost(account) ?? instanceHost}`;
}

/** Snowflake-like ids: numeric strings compare by length first, then lexicographically. */
export function compareStatusIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A local account's acct has no domain; its profile URL says which server it lives on. */
function accountHost(account: {
  uri?: string | null | undefined;
  url?: string | null | undefined;
}): string | null {
  for (const candidate of [account.uri, account.url]) {
    if (!candidate) continue;
    try {
      return new URL(candidate).host;
    } catch {
      // try the next one
    }
  }
  return null;
}
