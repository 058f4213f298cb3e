import { describe, expect, it } from 'vitest';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { MentionSchema, type Mention } from '../../core/contracts/mention.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import { enrichMention } from './enrich.ts';

/**
 * A mention a workspace posted through its own webhook (`workspace` set by the API) is about
 * that workspace only: matched against its brands alone, and kept out of the enrichment state
 * that other workspaces' mentions are scored against.
 */
const config = parseEarshotConfig(`
workspaces:
  - id: a
    name: A
    brands: [{ id: acme, name: ACME, query: acme }]
  - id: b
    name: B
    brands: [{ id: acme-b, name: ACME at B, query: acme }]
`);

const TEXT = 'The acme battery dies after two hours, really disappointed with the whole thing';
const post = (id: string, extra: Partial<Mention> = {}, minute = 0): Mention =>
  MentionSchema.parse({
    id,
    source: 'webhook',
    text: TEXT,
    author: { handle: 'shared-author' },
    created_at: new Date(Date.parse('2026-11-20T10:00:00Z') + minute * 60_000).toISOString(),
    ...extra,
  });

describe('enrichMention: a workspace-owned mention', () => {
  it('matches its owner’s brands only; a public one matches every workspace', () => {
    const enrichers = loadEnrichers(config);
    const owned = enrichMention(post('webhook:@a:1', { workspace: 'a' }), enrichers);
    expect(owned.brands.map((b) => `${b.workspace}/${b.brand}`)).toEqual(['a/acme']);
    expect(owned.workspace).toBe('a');
    const pub = enrichMention(post('webhook:public'), enrichers);
    expect(pub.brands.map((b) => `${b.workspace}/${b.brand}`)).toEqual(['a/acme', 'b/acme-b']);
  });

  it('does not make other workspaces’ posts duplicates, campaigns or a busy author', () => {
    const enrichers = loadEnrichers(config);
    // Workspace a floods its webhook with copies by an author that also posts in public.
    for (let i = 0; i < 40; i++)
      enrichMention(post(`webhook:@a:${i}`, { workspace: 'a' }, i), enrichers);
    const pub = enrichMention(post('webhook:public', {}, 41), enrichers);
    expect(pub.dup_group).toBeNull();
    expect(pub.spam.reasons).toEqual([]);
    expect(pub.spam.score).toBe(0);
  });
});
