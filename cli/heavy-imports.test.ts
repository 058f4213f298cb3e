import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every role process imports cli/roles/index.ts. Packages that cost a lot of memory or start-up
 * time and serve only some processes (the embedded engine's ~150 MB library, the browser driver,
 * the XLSX writer) are imported where they are used, with `await import()`, so a sink talking to
 * a ClickHouse server does not carry them. This walks the static import graph from the roles and
 * fails when one of them is imported at the top of a module again.
 */
const HEAVY = ['chdb', 'playwright-core', 'exceljs'];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Static, value (not `import type`) imports and re-exports of a module's source. */
function staticImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push(m[2]!);
  return out;
}

function heavyReachable(entry: string): Map<string, string> {
  const found = new Map<string, string>(); // package → the module that imports it
  const seen = new Set<string>();
  const stack = [resolve(root, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec));
      else if (HEAVY.includes(spec)) found.set(spec, file.slice(root.length + 1));
    }
  }
  return found;
}

describe('role processes load heavy packages only where used', () => {
  it('the import graph of cli/roles has no static import of chdb, playwright-core or exceljs', () => {
    expect(Object.fromEntries(heavyReachable('cli/roles/index.ts'))).toEqual({});
  });

  it('the walker sees a heavy import (it would fail on one)', () => {
    expect(heavyReachable('store/chdb.ts').get('chdb')).toBe('store/chdb.ts');
    expect(staticImports("import type { Browser } from 'playwright-core';")).toEqual([]);
    expect(staticImports("import ExcelJS from 'exceljs';")).toEqual(['exceljs']);
  });
});
