import { describe, expect, it } from 'vitest';
import { compileWatchQueries } from './index.ts';

/**
 * A mention owned by a workspace (its webhook feed) is matched against that workspace's watch
 * queries alone; a public mention (no owner) against every workspace's, as before.
 */
describe('matching a workspace-owned mention', () => {
  const matcher = compileWatchQueries([
    { workspace: 'a', brand: 'acme', query: 'acme' },
    { workspace: 'b', brand: 'acme-b', query: 'acme' },
    { workspace: 'b', brand: 'lang-only', query: 'lang:en' },
  ]);
  const owners = (workspace?: string | null) =>
    matcher
      .match({
        text: 'acme is great',
        lang: 'en',
        ...(workspace !== undefined ? { workspace } : {}),
      })
      .map((m) => `${m.workspace}/${m.brand}`);

  it('matches only the owner workspace’s queries, term-triggered and term-free alike', () => {
    expect(owners('a')).toEqual(['a/acme']);
    expect(owners('b')).toEqual(['b/acme-b', 'b/lang-only']);
  });

  it('matches every workspace for a public mention', () => {
    expect(owners()).toEqual(['a/acme', 'b/acme-b', 'b/lang-only']);
    expect(owners(null)).toEqual(['a/acme', 'b/acme-b', 'b/lang-only']);
  });

  it('matches nothing for a workspace without queries, and early filtering agrees', () => {
    expect(owners('c')).toEqual([]);
    expect(matcher.mayMatch({ text: 'acme', workspace: 'c' })).toBe(false);
    expect(matcher.mayMatch({ text: 'acme', workspace: 'a' })).toBe(true);
  });
});
