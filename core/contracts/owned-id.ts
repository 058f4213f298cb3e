/**
 * Ids of mentions a workspace sent through its own webhook (`POST /v1/ingest`) live in that
 * workspace's namespace: `<source>:@<workspace>:<native id>`. The API builds them from the key
 * (ingest/webhook/owned.ts); the sink reads the owner back so engagement sent for such an id can
 * only ever count for that workspace's brands (store/sink/engagement.ts).
 */
export function ownedMentionId(source: string, workspace: string, nativeId: string): string {
  return `${source}:@${workspace}:${nativeId}`;
}

const OWNED = /^[a-z][a-z0-9_-]*:@([a-z0-9][a-z0-9_-]{0,63}):/;

/** The workspace a namespaced id belongs to, or null for a public source's id. */
export function ownerOfMentionId(id: string): string | null {
  return OWNED.exec(id)?.[1] ?? null;
}
