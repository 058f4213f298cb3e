import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout is the architecture (docs/architecture.md): this test reads every import specifier and keeps
 * the dependency rules true. `core/` imports no other project folder; stages meet only at
 * topics and contracts; the API reads the store through `store/queries`.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const RULES: Record<string, { mayImport: string[] }> = {
  core: { mayImport: ['core'] },
  enrich: { mayImport: ['core', 'enrich'] },
  ingest: { mayImport: ['core', 'ingest'] },
  store: { mayImport: ['core', 'store'] },
  api: {
    mayImport: [
      'core',
      'api',
      'alerts',
      'reports',
      'store/queries',
      'store/port.ts',
      'store/time.ts',
      'ingest/webhook',
      // the webhook route is a way in: it hands mentions and dead letters to the ingest ports
      'ingest/ports.ts',
    ],
  },
  alerts: { mayImport: ['core', 'alerts', 'store/queries', 'store/port.ts', 'store/time.ts'] },
  // The response contracts are bundled into the web UI: zod and the wire contracts only.
  'api/contracts': { mayImport: ['api/contracts', 'core/contracts'] },
  'dashboards/web/src': { mayImport: ['dashboards/web/src', 'api/contracts', 'core/contracts'] },
  // Reports read like the API (through store/queries) and deliver like alerts (alerts/delivery).
  reports: {
    mayImport: ['core', 'reports', 'alerts', 'store/queries', 'store/port.ts', 'store/time.ts'],
  },
  // Training reads what it trains (the model code and its manifest schema) and nothing else.
  training: { mayImport: ['core', 'enrich', 'training'] },
};

/**
 * Nothing imports training: it is a room of its own, reached only from its command-line entry
 * points (`npm run train:sentiment`, `eval:sentiment`, the bench's data reader), so no shipped
 * code carries the trainer or its data.
 */
const TRAINING_ENTRY_POINTS = ['scripts', 'bench', 'training'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [path] : [];
  });
}

function projectImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specs.map((s) => relative(root, resolve(root, dirname(file), s)));
}

describe('architecture', () => {
  for (const [folder, rule] of Object.entries(RULES)) {
    it(`${folder}/ imports only ${rule.mayImport.join(', ')}`, () => {
      const violations = sourceFiles(folder).flatMap((file) =>
        projectImports(file)
          .filter(
            (target) =>
              !rule.mayImport.some(
                (allowed) => target === allowed || target.startsWith(`${allowed}/`),
              ),
          )
          .map((target) => `${file} → ${target}`),
      );
      expect(violations).toEqual([]);
    });
  }

  it('nothing but its entry points imports training/', () => {
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => e.name)
      .filter((d) => !TRAINING_ENTRY_POINTS.includes(d));
    const violations = folders.flatMap((folder) =>
      sourceFiles(folder).flatMap((file) =>
        projectImports(file)
          .filter((t) => t === 'training' || t.startsWith('training/'))
          .map((t) => `${file} → ${t}`),
      ),
    );
    expect(folders).toContain('enrich');
    expect(violations).toEqual([]);
  });

  it('enrichment stages do not import each other (they share only enrich/text and the pipeline)', () => {
    const stageDirs = ['language', 'sentiment', 'match', 'topics', 'dedup', 'spam'];
    const violations = sourceFiles('enrich').flatMap((file) => {
      const own = file.split('/')[1]!;
      if (!stageDirs.includes(own)) return [];
      return projectImports(file)
        .filter(
          (t) =>
            t.startsWith('enrich/') &&
            stageDirs.includes(t.split('/')[1]!) &&
            t.split('/')[1] !== own,
        )
        .map((t) => `${file} → ${t}`);
    });
    expect(violations).toEqual([]);
  });
});
