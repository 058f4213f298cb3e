import { describe, expect, it } from 'vitest';
import { editDistance, nearestKey } from './config-keys.ts';
import { ConfigError } from './errors.ts';
import { parseEarshotConfig } from './workspace-config.ts';

/** The ConfigError's message for `text`, or a failure if it parses. */
function problems(text: string): string[] {
  try {
    parseEarshotConfig(text, 'earshot.config.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('the config parsed');
}

const valid = `workspaces:
  - id: acme
    name: ACME
    brands:
      - id: acme
        name: ACME
        query: acme
        competitors: [globex]
      - id: globex
        name: Globex
        query: globex
`;

describe('earshot.config.yaml: unknown keys', () => {
  it('parses a valid config', () => {
    expect(parseEarshotConfig(valid).workspaces[0]!.brands[0]!.competitors).toEqual(['globex']);
  });

  it('refuses a misspelt brand key with its line and the key it probably meant', () => {
    // `competitor:` used to be dropped silently: the brand had no competitors.
    const text = valid.replace('competitors: [globex]', 'competitor: [globex]');
    expect(problems(text)).toEqual([
      'earshot.config.yaml:8:9: workspaces.0.brands.0.competitor: unknown key "competitor" (did you mean "competitors"?)',
    ]);
  });

  it('refuses an unknown top-level key (`alert:` for `alerts:`)', () => {
    expect(problems(`${valid}alert:\n  rules: []\n`)).toEqual([
      'earshot.config.yaml:12:1: alert: unknown key "alert" (did you mean "alerts"?)',
    ]);
  });

  it('refuses unknown workspace keys, and lists the known keys when none is near', () => {
    const text = valid.replace('    name: ACME\n', '    name: ACME\n    palette: dark\n');
    expect(problems(text)).toEqual([
      'earshot.config.yaml:4:5: workspaces.0.palette: unknown key "palette" (known keys: id, name, brands, timezone, reports)',
    ]);
  });

  it('takes a reporting time zone by its IANA name, and names the line of a bad one', () => {
    const athens = valid.replace(
      '    name: ACME\n',
      '    name: ACME\n    timezone: Europe/Athens\n',
    );
    expect(parseEarshotConfig(athens).workspaces[0]!.timezone).toBe('Europe/Athens');
    const bad = valid.replace('    name: ACME\n', '    name: ACME\n    timezone: GMT+2 \n');
    expect(problems(bad)).toEqual([
      'earshot.config.yaml:4: workspaces.0.timezone: an IANA time zone name like "Europe/Athens" or "UTC"',
    ]);
  });

  it('reports every unknown key with the schema errors, each at its line', () => {
    const text = valid
      .replace('    brands:', '    brand:')
      .replace('        query: globex', '        querry: globex');
    expect(problems(text)).toEqual([
      'earshot.config.yaml:4:5: workspaces.0.brand: unknown key "brand" (did you mean "brands"?)',
      'earshot.config.yaml:2: workspaces.0.brands: Invalid input: expected array, received undefined',
    ]);
    expect(problems(valid.replace('        query: globex', '        querry: globex'))).toEqual([
      'earshot.config.yaml:11:9: workspaces.0.brands.1.querry: unknown key "querry" (did you mean "query"?)',
      'earshot.config.yaml:9: workspaces.0.brands.1.query: Invalid input: expected string, received undefined',
    ]);
  });
});

describe('nearest key', () => {
  it.each([
    ['competitor', 'competitors'],
    ['alert', 'alerts'],
    ['Competitors', 'competitors'],
    ['qeury', 'query'], // a swap of neighbours is one edit
    ['colour', 'color'],
    ['foo', null],
    ['timezone', null],
  ])('%s → %s', (key, expected) => {
    expect(nearestKey(key, ['id', 'name', 'query', 'competitors', 'color', 'alerts'])).toBe(
      expected,
    );
  });

  it('measures edits', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
