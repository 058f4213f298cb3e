import type { Mention } from '../../core/contracts/mention.ts';
import type { WorkspaceConfig } from '../../core/workspace-config.ts';

/**
 * Owned accounts (`brands[].owned` in the config): a brand's own YouTube channels, Mastodon and
 * Bluesky accounts. What they post, and what is posted under it (a reply to their post, a
 * comment on their video), belongs to the brand whether or not it names the brand: people
 * answering @acme write "it's down again", not "Acme is down again". Those mentions are kept for
 * that brand, in that brand's workspace only, and marked `owned`.
 *
 * A mention is owned when its author, or the author of what it answers (`parent_author`), is
 * one of the accounts, compared as the source names them: a channel id, `name@instance`, a DID
 * or a handle. One map lookup per identifier: nothing is added to the per-mention work when no
 * brand declares owned accounts.
 */

export interface OwnedBrand {
  workspace: string;
  brand: string;
}

export interface OwnedIndex {
  /** Brands owning this mention (empty for nearly every mention). */
  owners(mention: Pick<Mention, 'source' | 'author' | 'parent_author'>): OwnedBrand[];
  /** Every owned account of a source across workspaces, as configured (for the connectors). */
  accounts(source: string): string[];
  readonly size: number;
}

const OWNED_SOURCES = ['youtube', 'mastodon', 'bluesky'] as const;

/** How an account is compared: channel ids as they are, handles and DIDs case-folded, no `@`. */
export function ownedKey(source: string, account: string): string {
  const trimmed = account.trim();
  return source === 'youtube' ? trimmed : trimmed.replace(/^@/, '').toLowerCase();
}

export function compileOwned(workspaces: readonly WorkspaceConfig[]): OwnedIndex {
  const bySource = new Map<string, Map<string, OwnedBrand[]>>();
  const configured = new Map<string, string[]>();
  let size = 0;
  for (const ws of workspaces) {
    for (const b of ws.brands) {
      for (const source of OWNED_SOURCES) {
        for (const account of b.owned?.[source] ?? []) {
          const keys = bySource.get(source) ?? new Map<string, OwnedBrand[]>();
          bySource.set(source, keys);
          const key = ownedKey(source, account);
          const owners = keys.get(key) ?? [];
          if (!owners.some((o) => o.workspace === ws.id && o.brand === b.id)) {
            owners.push({ workspace: ws.id, brand: b.id });
            size++;
          }
          keys.set(key, owners);
          configured.set(source, [...(configured.get(source) ?? []), account]);
        }
      }
    }
  }
  return {
    size,
    accounts: (source) => [...new Set(configured.get(source) ?? [])],
    owners(m) {
      const keys = bySource.get(m.source);
      if (keys === undefined) return [];
      const found: OwnedBrand[] = [];
      const look = (value: string | null | undefined) => {
        if (!value) return;
        for (const o of keys.get(ownedKey(m.source, value)) ?? []) {
          if (!found.some((f) => f.workspace === o.workspace && f.brand === o.brand)) found.push(o);
        }
      };
      look(m.author.id);
      look(m.author.handle);
      look(m.parent_author?.id);
      look(m.parent_author?.handle);
      return found;
    },
  };
}
