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
 * Native id: the guid / Atom id when it is globally meaningful (a URL, URN or tag URI), else
 * the feed URL + guid (a bare "1234" guid is only unique inside its feed), else the link.
 * Long ids are hashed so they fit the contract.
 */
export function feedItemNativeId(item: FeedItem, feedUrl: string, link: string | null): string {
  let id: string;
  if (item.guid && item.guid.includes(':')) id = item.guid;
  else if (item.guid) id = `${feedUrl}#${item.guid}`;
  else if (link) id = link;
  else if (item.title) id = `${feedUrl}#title:${item.title}`;
  else throw new InvalidMessageError('feed item has no guid, id, link or title');
  return id.length > 400 ? `sha256:${createHash('sha256').update(id).digest('hex')}` : id;
}

/** One feed item → Mention. Undated items take the fetch time (RSS allows omitting pubDate). */
export function normalizeFeedItem(item: FeedItem, feedUrl: string, fetchedAt: Date): MentionInput {
  const link = item.link ? unwrapGoogleLink(item.link.trim()) : null;
  const title = item.title ? htmlToText(item.title) || null : null;
  const body = item.body ? htmlToText(item.body) : '';
  const text = [title, body].filter((part) => !!part).join('\n\n');
  return {
    id: `rss:${feedItemNativeId(item, feedUrl, link)}`,
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
