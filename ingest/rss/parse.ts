import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidMessageError } from '../../core/errors.ts';
import { decodeEntities } from '../text/html.ts';

/**
 * RSS 2.0 and Atom 1.0 → a flat list of items (pure). Only the fields a mention needs; the
 * raw element is kept for dead letters. Google Alerts feeds are Atom with wrapped links.
 */

export interface FeedItem {
  /** guid / <id>; null when the feed has neither (then the link is the id). */
  guid: string | null;
  link: string | null;
  title: string | null;
  /** HTML or text of description / summary / content. */
  body: string | null;
  author: string | null;
  published: string | null;
  lang: string | null;
  raw: unknown;
}

export interface ParsedFeed {
  kind: 'rss' | 'atom';
  /** Atom's feed `<id>` (meant to stay the same when the feed moves); RSS has none. */
  id: string | null;
  title: string | null;
  lang: string | null;
  googleAlerts: boolean;
  /** RSS `<ttl>`: minutes the publisher asks readers to cache the feed. */
  ttlMinutes: number | null;
  items: FeedItem[];
}

const ARRAYS = new Set(['item', 'entry', 'link', 'category', 'author']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name),
  // Atom text constructs are kept raw: `type="xhtml"` content is markup whose child order the
  // object form would lose ("Acme <b>rocks</b>" → "rocks Acme"); atomText decodes the rest.
  stopNodes: ['feed.entry.title', 'feed.entry.summary', 'feed.entry.content'],
});

/** An Atom text construct (RFC 4287 §3.1) as HTML-or-text, ready for htmlToText. */
function atomText(node: unknown): string | null {
  const raw = typeof node === 'string' ? node : textOf(node);
  if (raw === null) return null;
  if (attr(node, 'type') === 'xhtml') return raw;
  // html / text: entity-escaped outside CDATA sections, literal inside them.
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part)))
    .join('');
}

type Node = Record<string, unknown>;

/** Text of an element that may be a string, {#text, @_attrs}, an array, or XHTML children. */
export function textOf(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'object') {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(node as Node)) {
      if (key.startsWith('@_')) continue;
      const t = Array.isArray(value) ? value.map(textOf).join(' ') : textOf(value);
      if (t) parts.push(t);
    }
    return parts.length > 0 ? parts.join(' ') : null;
  }
  return null;
}

function attr(node: unknown, name: string): string | null {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const v = (node as Node)[`@_${name}`];
    return typeof v === 'string' ? v : null;
  }
  return null;
}

function nonEmpty(s: string | null): string | null {
  const t = s?.trim();
  return t ? t : null;
}

export function parseFeed(xml: string): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new InvalidMessageError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  const doc = parser.parse(xml) as Node;
  const rss = doc.rss as Node | undefined;
  if (rss && typeof rss === 'object') return parseRss(rss);
  const feed = doc.feed as Node | undefined;
  if (feed && typeof feed === 'object') return parseAtom(feed);
  const rdf = doc['rdf:RDF'] as Node | undefined;
  if (rdf && typeof rdf === 'object') return parseRdf(rdf);
  throw new InvalidMessageError('not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root)');
}

function parseRss(rss: Node): ParsedFeed {
  const channel = (rss.channel ?? {}) as Node;
  const lang = nonEmpty(textOf(channel.language));
  const items = asArray(channel.item).map((item): FeedItem => {
    const it = item as Node;
    return {
      guid: nonEmpty(textOf(it.guid)),
      link: nonEmpty(textOf(it.link)),
      title: nonEmpty(textOf(it.title)),
      body: nonEmpty(textOf(it['content:encoded'])) ?? nonEmpty(textOf(it.description)),
      author: nonEmpty(textOf(it['dc:creator'])) ?? nonEmpty(textOf(it.author)),
      published: nonEmpty(textOf(it.pubDate)) ?? nonEmpty(textOf(it['dc:date'])),
      lang: nonEmpty(textOf(it['dc:language'])) ?? lang,
      raw: item,
    };
  });
  const ttl = Number(textOf(channel.ttl));
  return {
    kind: 'rss',
    id: null,
    title: nonEmpty(textOf(channel.title)),
    lang,
    googleAlerts: false,
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    items,
  };
}

function parseRdf(rdf: Node): ParsedFeed {
  const channel = (rdf.channel ?? {}) as Node;
  const lang = nonEmpty(textOf(channel['dc:language']));
  const items = asArray(rdf.item).map((item): FeedItem => {
    const it = item as Node;
    return {
      guid: attr(it, 'rdf:about'),
      link: nonEmpty(textOf(it.link)),
      title: nonEmpty(textOf(it.title)),
      body: nonEmpty(textOf(it.description)),
      author: nonEmpty(textOf(it['dc:creator'])),
      published: nonEmpty(textOf(it['dc:date'])),
      lang,
      raw: item,
    };
  });
  return {
    kind: 'rss',
    id: null,
    title: nonEmpty(textOf(channel.title)),
    lang,
    googleAlerts: false,
    ttlMinutes: null,
    items,
  };
}

function parseAtom(feed: Node): ParsedFeed {
  const lang = attr(feed, 'xml:lang');
  const feedId = nonEmpty(textOf(feed.id)) ?? '';
  const googleAlerts = /^tag:google\.com,\d{4}:.*alerts/i.test(feedId);
  const items = asArray(feed.entry).map((entry): FeedItem => {
    const e = entry as Node;
    const links = asArray(e.link);
    const alternate =
      links.find((l) => attr(l, 'rel') === 'alternate') ??
      links.find((l) => attr(l, 'rel') === null) ??
      links[0];
    const author = asArray(e.author)[0] as Node | undefined;
    return {
      guid: nonEmpty(textOf(e.id)),
      link:
        alternate === undefined ? null : (attr(alternate, 'href') ?? nonEmpty(textOf(alternate))),
      title: nonEmpty(atomText(e.title)),
      body: nonEmpty(atomText(e.content)) ?? nonEmpty(atomText(e.summary)),
      author: author ? nonEmpty(textOf(author.name)) : null,
      published: nonEmpty(textOf(e.published)) ?? nonEmpty(textOf(e.updated)),
      lang: attr(e, 'xml:lang') ?? lang,
      raw: entry,
    };
  });
  return {
    kind: 'atom',
    id: feedId || null,
    title: nonEmpty(textOf(feed.title)),
    lang,
    googleAlerts,
    ttlMinutes: null,
    items,
  };
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
