import { createHash } from 'node:crypto';
import type { MentionInput } from '../../core/contracts/mention.ts';
import { InvalidMessageError } from '../../core/errors.ts';
import { htmlToText } from '../text/html.ts';
import { normalizeLang } from '../text/lang.ts';
import { toUtcIso } from '../text/time.ts';
import type { FeedItem } from './parse.ts';

/**
 * Google Alerts wraps every link: `https://www.google.com/url?rct=j&sa=t&url=<real>&ct=ga…`.
 * The mention must point at the article, and the dedup key must not change with Google's
 * tracking params, so unwrap it.
 */
export function unwrapGoogleLink(link: string): string {
  try {
    const u = new URL(link);
    if (/(^|\.)google\.[a-z.]+$/.test(u.hostname) && u.pathname === '/url') {
      const real = u.searchParams.get('url') ?? u.searchParams.get('q');
      if (real && /^https?:\/\//i.test(real)) return real;
    }
  } catch {
    // not a URL: leave it to the contract check
  }
  return link;
}

/**
 * A guid that names its item on its own, whatever feed carries it: an http(s) URL, a `tag:` URI
 * (RFC 4151) or a URN. Anything else ("4711", "post-12", "2026-11-20:1") is only unique
 * within its feed.
 */
const GLOBAL_ID = /^(?:https?:\/\/[^\s/?#]+|tag:[^\s]+|urn:[a-z0-9][a-z0-9-]*:[^\s]+)/i;

export function isGlobalId(id: string): boolean {
  return GLOBAL_ID.test(id);
}

/**
 * What a bare guid is scoped by: the feed's own permanent id when it has one (Atom's feed
 * `<id>`, which RFC 4287 says must not change when the feed moves), else the feed's address
 * without what a move to https or to/from `www.` changes (scheme, `www.`, default port,
 * trailing slash, fragment). A move to another host or path changes a bare guid's id: the
 * guid itself says nothing that would tie the old and new feed together.
 */
export function feedScope(feedUrl: string, feedId: string | null = null): string {
  if (feedId && isGlobalId(feedId)) return feedId;
  try {
    const u = new URL(feedUrl);
    const host = u.hostname.toLowerCase().replace(/^www\./, '');
    const port = u.port ? `:${u.port}` : '';
    const path = u.pathname.replace(/\/+$/, '');
    return `${host}${port}${path}${u.search}`;
  } catch {
    return feedUrl;
  }
}

/**
 * Native id: the guid / Atom id when it is global (`isGlobalId`), so the id does not depend
 * on where the feed is read from; else `<feed scope>#<guid>` (a bare guid is only unique in
 * its feed); without a guid the item link (scoped too when relative), else the scope + title. Long ids are hashed so
 * they fit the contract.
 */
export function feedItemNativeId(item: FeedItem, scope: string, link: string | null): string {
  let id: string;
  const guid = item.guid?.trim();
  if (guid && isGlobalId(guid)) id = guid;
  else if (guid) id = `${scope}#${guid}`;
  else if (link) id = isGlobalId(link) ? link : `${scope}#${link}`;
  else if (item.title) id = `${scope}#title:${item.title}`;
  else throw new InvalidMessageError('feed item has no guid, id, link or title');
  return id.length > 400 ? `sha256:${createHash('sha256').update(id).digest('hex')}` : id;
}

/**
 * One feed item → Mention. `scope` is `feedScope(…)` of its feed. Undated items take the fetch
 * time (RSS allows omitting pubDate).
 */
export function normalizeFeedItem(item: FeedItem, scope: string, fetchedAt: Date): MentionInput {
  const link = item.link ? unwrapGoogleLink(item.link.trim()) : null;
  const title = item.title ? htmlToText(item.title) || null : null;
  const body = item.body ? htmlToText(item.body) : '';
  const text = [title, body].filter((part) => !!part).join('\n\n');
  return {
    id: `rss:${feedItemNativeId(item, scope, link)}`,
    source: 'rss',
    url: link && /^https?:\/\//i.test(link) ? link : null,
    author: { id: null, handle: item.author, display_name: item.author, followers: null },
    text,
    title,
    lang: normalizeLang(item.lang),
    created_at: item.published ? toUtcIso(item.published, 'pubDate') : fetchedAt.toISOString(),
    fetched_at: fetchedAt.toISOString(),
    engagement: { likes: 0, reposts: 0, replies: 0, views: null },
    parent_id: null,
  };
}
