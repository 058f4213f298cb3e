/**
 * RFC 8288 `Link` header → { rel: url }. Mastodon paginates with
 * `<https://…?max_id=1>; rel="next", <https://…?min_id=9>; rel="prev"`.
 */
export function parseLinkHeader(value: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  for (const match of value.matchAll(
    /<([^>]*)>\s*((?:;\s*[a-zA-Z*]+\s*=\s*(?:"[^"]*"|[^;,\s]*)\s*)*)/g,
  )) {
    const url = match[1] ?? '';
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').split(/\s+/).filter(Boolean);
    for (const r of rels) links[r.toLowerCase()] ??= url;
  }
  return links;
}
