import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earshotCli } from '../support/cli.ts';

/**
 * `earshot import --workspace` writes only into the workspace it names: its lines become that
 * workspace's own mentions (ids in its namespace, matched against its brands only), as its
 * webhook's do. Without the flag a file is public data, and a line cannot claim a workspace,
 * since its un-namespaced id could take over a public mention's row.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-import-ws-'));
const config = join(dir, 'earshot.config.yaml');
writeFileSync(
  config,
  `workspaces:
  - id: ws-a
    name: A
    brands: [{ id: acme-a, name: Acme, query: acme }]
  - id: ws-b
    name: B
    brands: [{ id: acme-b, name: Acme, query: acme }]
`,
);
const env = {
  ...process.env,
  CHDB_PATH: join(dir, 'chdb'),
  LOG_LEVEL: 'warn',
  EARSHOT_CONFIG: config,
};

const { earshot, sqlValue } = earshotCli(env);

const line = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: `crm:${id}`,
    source: 'crm',
    text: `acme support ticket ${id}`,
    created_at: '2026-11-12T10:00:00Z',
    ...extra,
  });

describe('earshot import --workspace', () => {
  it("stores the file as the workspace's own data and never writes into another's", () => {
    // A public mention both workspaces see, then A's import reusing its id.
    const publicFile = join(dir, 'public.jsonl');
    writeFileSync(publicFile, `${line('1')}\n`);
    expect(earshot('import', publicFile).code).toBe(0);

    const file = join(dir, 'a.jsonl');
    writeFileSync(file, `${[line('1'), line('2'), line('3', { workspace: 'ws-b' })].join('\n')}\n`);
    const r = earshot('import', file, '--workspace', 'ws-a');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 3 mentions');

    // A sees its three and the public one; B sees only the public one, untouched.
    const count = (ws: string) =>
      sqlValue(`SELECT count() AS v FROM brand_mentions FINAL WHERE workspace = '${ws}'`);
    expect(count('ws-a')).toBe('4');
    expect(count('ws-b')).toBe('1');
    expect(
      sqlValue(
        "SELECT arrayStringConcat(arraySort(groupArray(mention_id)), ',') AS v FROM brand_mentions FINAL WHERE workspace = 'ws-b'",
      ),
    ).toBe('crm:1');
    expect(sqlValue("SELECT count() AS v FROM mentions FINAL WHERE id LIKE 'crm:@ws-a:%'")).toBe(
      '3',
    );
  });

  it('refuses a line that claims a workspace without the flag, and an unknown workspace', () => {
    const file = join(dir, 'claims.jsonl');
    writeFileSync(file, `${[line('9', { workspace: 'ws-b' }), line('10')].join('\n')}\n`);
    const r = earshot('import', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 1 mentions, 1 invalid lines dead-lettered');
    expect(r.stderr).toContain('line 1: workspace: "ws-b" is set by earshot import --workspace');
    expect(sqlValue("SELECT count() AS v FROM mentions FINAL WHERE id = 'crm:9'")).toBe('0');

    const unknown = earshot('import', file, '--workspace', 'ws-z');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('--workspace: no workspace "ws-z"');
  });
});
