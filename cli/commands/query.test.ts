import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryCheck, queryTest } from './query.ts';

async function run(query: string, lines: string[] | null, json: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  async function* gen(): AsyncIterable<string> {
    await Promise.resolve();
    yield* lines ?? [];
  }
  const code = await queryTest(
    query,
    lines === null ? null : gen,
    { json },
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    },
  );
  return { code, out, err };
}

const mentions = [
  JSON.stringify({ id: 'a', text: 'My Apple iPhone is great' }),
  JSON.stringify({ text: 'apple pie' }),
  JSON.stringify({ id: 7, text: 'Apple Watch', lang: 'en', author: { handle: 'x' } }),
];

describe('earshot query test', () => {
  it('prints one JSON line per mention, in input order, with spans', async () => {
    const r = await run('raw:"Apple" AND (iphone OR watch)', mentions, true);
    expect(r.code).toBe(0);
    expect(r.out.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        id: 'a',
        match: true,
        spans: [
          [3, 8],
          [9, 15],
        ],
      },
      { id: null, match: false, spans: [] },
      {
        id: 7,
        match: true,
        spans: [
          [0, 5],
          [6, 11],
        ],
      },
    ]);
  });

  it('marks the matched spans in text output and counts', async () => {
    const r = await run('raw:"Apple" AND (iphone OR watch)', mentions, false);
    expect(r.out).toEqual([
      '✓ a  My [Apple] [iPhone] is great',
      '✗ line 2',
      '✓ 7  [Apple] [Watch]',
    ]);
    expect(r.err.at(-1)).toBe('2 of 3 mentions match');
  });

  it('exits 2 with the position and the expectation for an invalid query', async () => {
    const r = await run('apple AND (iphone OR', null, false);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/position 20[\s\S]*expected: a term[\s\S]*\n {22}\^/);
  });

  it('exits 2 at the level past the limit for a query nested 2,000 deep', async () => {
    // 4,001 characters; this overflowed the stack (RangeError) before the depth limit.
    const r = await run(`${'('.repeat(2000)}apple${')'.repeat(2000)}`, ['{"text":"apple"}'], true);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err[0]).toMatch(/nested too deeply: "\(" at position 100 opens level 101/);
    expect(r.err.join('\n')).toMatch(/expected: at most 100 levels/);
  });

  it('skips unreadable lines with their line number and exits 1', async () => {
    const r = await run('apple', ['{"text":"apple"}', 'nope', '{"id":"x"}'], true);
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(1);
    expect(r.err[0]).toMatch(/^line 2: skipped/);
    expect(r.err[1]).toMatch(/^line 3: skipped.*text/);
  });

  it('exits 2 from the real command line', async () => {
    const exec = promisify(execFile);
    const error = await exec('node', ['bin/earshot.js', 'query', 'test', 'a NEAR b'], {
      cwd: new URL('../..', import.meta.url).pathname,
    }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toContain('expected: "/" and a number of words');
  }, 30_000);
});

describe('earshot query check', () => {
  const config = (query: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-query-'));
    const path = join(dir, 'earshot.config.yaml');
    writeFileSync(
      path,
      `workspaces:\n  - id: ws\n    name: WS\n    brands:\n      - id: acme\n        name: Acme\n        query: '${query}'\n`,
    );
    return path;
  };

  it('passes a config whose queries all parse', async () => {
    const err: string[] = [];
    expect(
      await queryCheck(config('acme OR #acme'), { out: () => {}, err: (l) => err.push(l) }),
    ).toBe(0);
    expect(err).toEqual(['1 watch queries ok']);
  });

  it('exits 2 naming the brand and the position of a bad query', async () => {
    const err: string[] = [];
    const path = config('acme NEAR/x cloud');
    expect(await queryCheck(path, { out: () => {}, err: (l) => err.push(l) })).toBe(2);
    expect(err[0]).toBe(`${path}: workspaces.ws.brands.acme.query:`);
    expect(err[1]).toMatch(/NEAR needs a distance/);
  });
});
