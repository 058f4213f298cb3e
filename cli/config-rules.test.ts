import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { loadEarshotConfig, parseEarshotConfig } from '../core/workspace-config.ts';
import { CONFIG_RULES } from './config-rules.ts';
import { DEMO_CONFIG_PATH } from './settings.ts';

const base = `workspaces:
  - id: acme
    name: ACME
    brands:
      - id: acme
        name: ACME
        query: acme
`;

/** The lines of the ConfigError for `base` + `yaml` loaded with every rule the app uses. */
function problems(yaml: string, text = `${base}${yaml}`): string[] {
  try {
    parseEarshotConfig(text, 'earshot.config.yaml', CONFIG_RULES);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('the config parsed');
}

describe('config rules: sources', () => {
  it('accepts every source with its options and refresh', () => {
    const config = parseEarshotConfig(
      `${base}sources:
  hackernews: { queries: [acme], refresh: { after: [1h] } }
  mastodon: { timelines: [{ type: hashtag, tag: acme }, { type: public, local: true }] }
  rss: { feeds: ['https://example.com/feed', { url: 'https://example.com/b', name: B }] }
  bluesky: {}
`,
      'earshot.config.yaml',
      CONFIG_RULES,
    );
    expect(Object.keys(config.sources)).toEqual(['hackernews', 'mastodon', 'rss', 'bluesky']);
  });

  it('refuses an unknown source, an unknown option and an unknown refresh key', () => {
    expect(
      problems(`sources:
  hackernew: { queries: [acme] }
  rss:
    feeds: ['https://example.com/feed']
    poll_intervall_s: 600
  mastodon:
    refresh: { afer: [1h] }
`),
    ).toEqual([
      'earshot.config.yaml:9:3: sources.hackernew: unknown key "hackernew" (did you mean "hackernews"?)',
      'earshot.config.yaml:12:5: sources.rss.poll_intervall_s: unknown key "poll_intervall_s" (did you mean "poll_interval_s"?)',
      'earshot.config.yaml:14:16: sources.mastodon.refresh.afer: unknown key "afer" (did you mean "after"?)',
    ]);
  });

  it('follows lists and the variant a `type:` selects', () => {
    expect(
      problems(`sources:
  mastodon:
    timelines:
      - { type: public, local: true }
      - { type: hashtag, tga: acme }
  rss:
    feeds: [{ url: 'https://example.com/feed', nmae: Example }]
`),
    ).toEqual([
      'earshot.config.yaml:12:26: sources.mastodon.timelines.1.tga: unknown key "tga" (did you mean "tag"?)',
      'earshot.config.yaml:14:48: sources.rss.feeds.0.nmae: unknown key "nmae" (did you mean "name"?)',
    ]);
  });
});

describe('config rules: alerts', () => {
  it('refuses unknown keys in the section, its rules and its channels', () => {
    expect(
      problems(`alerts:
  rule:
    - id: r
  channels:
    - { id: hook, type: webhook, ur: 'http://127.0.0.1:9/x' }
`),
    ).toEqual([
      'earshot.config.yaml:9:3: alerts.rule: unknown key "rule" (did you mean "rules"?)',
      'earshot.config.yaml:12:34: alerts.channels.0.ur: unknown key "ur" (did you mean "url"?)',
      // zod's own finding for the same channel (no url at all) comes after.
      'earshot.config.yaml:12: alerts.channels.0: give exactly one of url or url_env',
    ]);
    expect(
      problems(`alerts:
  rules:
    - { id: r, brand: acme, type: negative_spike, windw: 15m }
`),
    ).toEqual([
      'earshot.config.yaml:10:51: alerts.rules.0.windw: unknown key "windw" (did you mean "window"?)',
    ]);
  });

  it('names the line of a rule that does not fit its workspace', () => {
    expect(
      problems(`alerts:
  rules:
    - id: r
      brand: globex
      type: negative_spike
`),
    ).toEqual([
      'earshot.config.yaml:11: alerts.rules.0.brand: unknown brand "globex" in workspace "acme"',
    ]);
  });
});

describe('config rules: watch queries', () => {
  it('names the file, line and column of the character where a query is wrong', () => {
    const text = base.replace('query: acme', "query: 'acme AND (cloud'");
    expect(problems('', text)).toEqual([
      'earshot.config.yaml:7:32: workspaces.0.brands.0.query: invalid watch query of brand "acme/acme": the "(" at position 9 is never closed (found end of query at position 15) (expected ")")',
    ]);
    // Plain scalars map too; a block scalar gives the line of the query.
    expect(problems('', base.replace('query: acme', 'query: acme OR'))[0]).toMatch(
      /^earshot\.config\.yaml:7:23: .*expected a term/,
    );
    expect(problems('', base.replace('query: acme', 'query: |\n          acme OR'))[0]).toMatch(
      /^earshot\.config\.yaml:7: .*expected a term/,
    );
  });

  it('refuses a query nested past the depth limit', () => {
    const deep = `${'('.repeat(2000)}acme${')'.repeat(2000)}`;
    expect(problems('', base.replace('query: acme', `query: '${deep}'`))).toEqual([
      expect.stringMatching(
        /^earshot\.config\.yaml:7:117: workspaces\.0\.brands\.0\.query: .*nested too deeply: "\(" at position 100/,
      ),
    ]);
  });

  it('loads the demo config', () => {
    expect(loadEarshotConfig(DEMO_CONFIG_PATH, CONFIG_RULES).workspaces[0]!.id).toBe('demo');
  });
});
