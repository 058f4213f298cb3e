import { describe, expect, it } from 'vitest';
import { compileMatcher, loadEnrichers, sourceFilter } from '../../cli/roles/index.ts';
import { MentionSchema, type MentionInput } from '../../core/contracts/mention.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import { enrichMention } from '../pipeline/enrich.ts';
import { compileOwned } from './index.ts';

const CONFIG = `
workspaces:
  - id: acme-ws
    name: ACME
    brands:
      - id: acme
        name: Acme
        query: '"acme"'
        owned:
          youtube: [UCacmeOfficial000000001]
          mastodon: ['@AcmeCloud@mastodon.social']
          bluesky: [acme.bsky.social, did:plc:acmeowned]
  - id: agency-ws
    name: Agency
    brands:
      - id: acme-watch
        name: Acme (watched by an agency)
        query: '"acme"'
`;

const config = parseEarshotConfig(CONFIG);

/** Sixteen comments under Acme's own video: six name Acme, ten do not (as people write). */
function videoComments(): MentionInput[] {
  return Array.from({ length: 16 }, (_, i) => ({
    id: `youtube:c${i}`,
    source: 'youtube',
    text: i < 6 ? `Acme did it again, comment ${i}` : `when is the next video? comment ${i}`,
    created_at: '2026-11-20T10:00:00Z',
    author: { id: `UCviewer${i}`, handle: `@viewer${i}` },
    parent_author: { id: 'UCacmeOfficial000000001', handle: null },
  }));
}

describe('owned accounts', () => {
  it('keeps every comment under an owned channel for its brand, marked owned', () => {
    const enrichers = loadEnrichers(config);
    const enriched = videoComments().map((m) => enrichMention(MentionSchema.parse(m), enrichers));
    const acme = enriched.map((e) => e.brands.find((b) => b.brand === 'acme'));
    expect(acme.filter(Boolean)).toHaveLength(16);
    expect(acme.every((b) => b?.owned === true)).toBe(true);
    // Those that also match the query keep the query's id and terms; the others say why.
    expect(acme[0]?.terms).toEqual(['Acme']);
    expect(acme[0]?.query_id).toMatch(/^acme:(?!owned)/);
    expect(acme[10]).toEqual({
      workspace: 'acme-ws',
      brand: 'acme',
      query_id: 'acme:owned',
      terms: [],
      owned: true,
    });
  });

  it("never puts a mention into another workspace because of someone else's owned account", () => {
    const enrichers = loadEnrichers(config);
    const enriched = videoComments().map((m) => enrichMention(MentionSchema.parse(m), enrichers));
    const agency = enriched.flatMap((e) => e.brands.filter((b) => b.workspace === 'agency-ws'));
    // The agency's query matches the six that name Acme; its matches are never owned.
    expect(agency).toHaveLength(6);
    expect(agency.every((b) => b.owned === undefined)).toBe(true);
  });

  it('recognises authors and replied-to accounts by id or handle, per source', () => {
    const owned = compileOwned(config.workspaces);
    const owners = (m: MentionInput) => owned.owners(MentionSchema.parse(m)).map((o) => o.brand);
    const base = { text: 'x', created_at: '2026-11-20T10:00:00Z' };
    // Mastodon: a reply to @AcmeCloud (handles compare without case and leading @).
    expect(
      owners({
        ...base,
        id: 'mastodon:https://m.example/1',
        source: 'mastodon',
        author: { handle: 'bob@m.example' },
        parent_author: { id: null, handle: 'acmecloud@mastodon.social' },
      }),
    ).toEqual(['acme']);
    // Bluesky: the account's own post, by DID; a reply to its handle.
    expect(
      owners({
        ...base,
        id: 'bluesky:at://x',
        source: 'bluesky',
        author: { id: 'did:plc:acmeowned' },
      }),
    ).toEqual(['acme']);
    expect(
      owners({
        ...base,
        id: 'bluesky:at://y',
        source: 'bluesky',
        parent_author: { id: 'did:plc:resolved', handle: 'acme.bsky.social' },
      }),
    ).toEqual(['acme']);
    // The same name on another source is somebody else.
    expect(
      owners({
        ...base,
        id: 'reddit:t1_x',
        source: 'reddit',
        author: { handle: 'acme.bsky.social' },
      }),
    ).toEqual([]);
    expect(owned.accounts('bluesky')).toEqual(['acme.bsky.social', 'did:plc:acmeowned']);
  });

  it('passes the ingest prefilter: a reply to the owned account that names nothing', () => {
    const filter = sourceFilter(compileMatcher(config), compileOwned(config.workspaces));
    const reply = MentionSchema.parse({
      id: 'bluesky:at://did:plc:fan/app.bsky.feed.post/1',
      source: 'bluesky',
      text: 'still down for me',
      created_at: '2026-11-20T10:00:00Z',
      author: { id: 'did:plc:fan' },
      parent_author: { id: 'did:plc:acmeowned', handle: null },
    });
    expect(filter(reply)).toBe(true);
    expect(filter({ ...reply, parent_author: { id: 'did:plc:someone', handle: null } })).toBe(
      false,
    );
    expect(filter({ ...reply, text: 'acme is down' })).toBe(true);
  });

  it('explains a malformed owned account with its place in the file', () => {
    expect(() =>
      parseEarshotConfig(CONFIG.replace("'@AcmeCloud@mastodon.social'", "'AcmeCloud'")),
    ).toThrow(
      /workspaces\.0\.brands\.0\.owned\.mastodon\.0: an account like "@acme@mastodon\.social"/,
    );
  });
  it("never makes another workspace's webhook mention owned by this workspace's brand", () => {
    const enrichers = loadEnrichers(config);
    // Sent through agency-ws's webhook, naming Acme's own channel as its parent.
    const [comment] = videoComments();
    const enriched = enrichMention(
      MentionSchema.parse({ ...comment, id: 'youtube:@agency-ws:c0', workspace: 'agency-ws' }),
      enrichers,
    );
    expect(enriched.brands.map((b) => `${b.workspace}/${b.brand}`)).toEqual([
      'agency-ws/acme-watch',
    ]);
    expect(enriched.brands[0]?.owned).toBeUndefined();
  });
});
