import { describe, expect, it } from 'vitest';
import { parseEarshotConfig } from './workspace-config.ts';
import { mergeSettings, type SettingsItem } from './workspace-settings.ts';

const file = parseEarshotConfig(`
workspaces:
  - id: a
    name: A
    brands:
      - { id: acme, name: ACME, query: acme }
  - id: b
    name: B
    brands:
      - { id: bolt, name: Bolt, query: bolt }
sources:
  rss: { feeds: ['http://x/feed'] }
`);

let version = 0;
const item = (over: Partial<SettingsItem>): SettingsItem => ({
  workspace: 'a',
  kind: 'brand',
  id: 'x',
  body: null,
  deleted: false,
  version: ++version,
  ...over,
});
const brand = (id: string, extra: object = {}) => ({
  id,
  name: id,
  query: id,
  competitors: [],
  ...extra,
});

describe('mergeSettings: the file wins, stored items fill the rest', () => {
  it('adds stored brands after the file’s, in their workspace only', () => {
    const m = mergeSettings(file, [
      item({ id: 'zed', body: brand('zed', { competitors: ['acme'] }) }),
    ]);
    expect(m.config.workspaces[0]!.brands.map((b) => b.id)).toEqual(['acme', 'zed']);
    expect(m.config.workspaces[1]!.brands.map((b) => b.id)).toEqual(['bolt']);
    expect([...m.storedBrands]).toEqual(['a/zed']);
    expect(m.version).toBe(version);
  });

  it('a stored brand the file defines too is shadowed by the file’s, and reported', () => {
    const m = mergeSettings(file, [item({ id: 'acme', body: brand('acme', { query: 'other' }) })]);
    expect(m.config.workspaces[0]!.brands).toEqual([file.workspaces[0]!.brands[0]]);
    expect(m.shadowed).toEqual([
      { workspace: 'a', kind: 'brand', id: 'acme', reason: 'defined in earshot.config.yaml' },
    ]);
  });

  it('deleted items, unknown workspaces and dangling competitors are not in force', () => {
    const m = mergeSettings(file, [
      item({ id: 'gone', body: brand('gone'), deleted: true }),
      item({ workspace: 'nope', id: 'y', body: brand('y') }),
      item({ id: 'z', body: brand('z', { competitors: ['gone', 'acme'] }) }),
    ]);
    expect(m.config.workspaces[0]!.brands.map((b) => [b.id, b.competitors])).toEqual([
      ['acme', []],
      ['z', ['acme']],
    ]);
    expect(m.shadowed.map((s) => s.reason)).toEqual(['no workspace "nope" in the file']);
  });

  it('sources: the file’s stay, a stored one runs once (the first workspace’s)', () => {
    const m = mergeSettings(file, [
      item({ kind: 'source', id: 'rss', body: { feeds: ['http://other'] } }),
      item({ kind: 'source', id: 'hackernews', body: { queries: ['a'] } }),
      item({ workspace: 'b', kind: 'source', id: 'hackernews', body: { queries: ['b'] } }),
    ]);
    expect(m.config.sources).toEqual({
      rss: { feeds: ['http://x/feed'] },
      hackernews: { queries: ['a'] },
    });
    expect([...m.storedSources]).toEqual([['hackernews', 'a']]);
    expect(m.shadowed.map((s) => `${s.workspace}/${s.id}: ${s.reason}`)).toEqual([
      'a/rss: defined in earshot.config.yaml',
      'b/hackernews: configured by another workspace first',
    ]);
  });
});
