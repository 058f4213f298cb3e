import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The Grafana boards are code: these checks keep them loadable and pointed at things that
 * exist (provisioned data sources, tables of our migrations, metrics our processes export).
 */
const here = (p: string): URL => new URL(p, import.meta.url);
const read = (p: string): string => readFileSync(here(p), 'utf8');

interface Target {
  datasource: { type: string; uid: string };
  rawSql?: string;
  expr?: string;
  refId: string;
}
interface Panel {
  id: number;
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: string; datasource: { uid: string } }[] };
}

const files = readdirSync(here('./dashboards/')).filter((f) => f.endsWith('.json'));
const boards = files.map((f) => [f, JSON.parse(read(`./dashboards/${f}`)) as Dashboard] as const);
const sources = (
  parse(read('./provisioning/datasources/earshot.yaml')) as {
    datasources: { uid: string; type: string }[];
  }
).datasources;

const migrations = readdirSync(here('../../store/migrations/'))
  .filter((f) => f.endsWith('.sql'))
  .map((f) => read(`../../store/migrations/${f}`))
  .join('\n');
const tables = new Set(
  [...migrations.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]),
);
const metricsSource = read('../../core/metrics.ts');
const exported = new Set([...metricsSource.matchAll(/name: '(earshot_\w+)'/g)].map((m) => m[1]));

describe('Grafana provisioning', () => {
  it('has the three boards of the issue', () => {
    expect(boards.map(([, b]) => b.uid).sort()).toEqual([
      'earshot-brand-health',
      'earshot-comparison',
      'earshot-pipeline',
    ]);
  });

  it('provisions a ClickHouse and a Prometheus data source', () => {
    expect(sources.map((s) => s.type).sort()).toEqual([
      'grafana-clickhouse-datasource',
      'prometheus',
    ]);
  });

  it('mounts the provisioning and dashboards folders in docker-compose.yml', () => {
    const compose = parse(read('../../docker-compose.yml'), { merge: true }) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const volumes = compose.services.grafana?.volumes ?? [];
    expect(volumes).toContain('./dashboards/grafana/provisioning:/etc/grafana/provisioning:ro');
    const provider = parse(read('./provisioning/dashboards/earshot.yaml')) as {
      providers: { options: { path: string } }[];
    };
    const path = provider.providers[0]!.options.path;
    expect(volumes).toContain(`./dashboards/grafana/dashboards:${path}:ro`);
    expect(compose.services.prometheus?.volumes).toContain(
      './dashboards/grafana/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
  });
});

describe.each(boards)('%s', (_file, board) => {
  it('has unique panel ids and a layout inside the 24-column grid', () => {
    const ids = board.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of board.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets.length, p.title).toBeGreaterThan(0);
    }
  });

  it('uses only provisioned data sources', () => {
    const uids = new Set(sources.map((s) => s.uid));
    for (const p of board.panels) {
      expect(uids.has(p.datasource.uid), p.title).toBe(true);
      for (const t of p.targets) expect(t.datasource.uid).toBe(p.datasource.uid);
    }
    for (const v of board.templating.list) expect(uids.has(v.datasource.uid), v.name).toBe(true);
  });

  it('queries only tables our migrations create, filtered by time and workspace', () => {
    const sqls = board.panels
      .flatMap((p) => p.targets.map((t) => [p.title, t.rawSql] as const))
      .filter(([, s]) => s !== undefined);
    for (const [title, sql] of sqls) {
      const used = [...sql!.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)]
        .map((m) => m[1]!)
        .filter((t) => t.toUpperCase() !== 'SELECT');
      for (const t of used) expect(tables.has(t), `${title}: table ${t}`).toBe(true);
      expect(sql, title).toMatch(/\$__timeFilter\(/);
      expect(sql, title).toContain("workspace = '${workspace}'");
    }
  });

  it('asks Prometheus only for metrics earshot exports', () => {
    const exprs = board.panels
      .flatMap((p) => p.targets.map((t) => t.expr))
      .filter((e): e is string => e !== undefined);
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/\bearshot_\w+/g)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        expect(
          exported.has(base) || base.startsWith('earshot_process_'),
          `${name} in ${expr}`,
        ).toBe(true);
      }
    }
  });
});

/**
 * Grafana's own schema, not a hand-written check: scripts/grafana-lint decodes each board
 * strictly with the types Grafana generates from its dashboard schema (grafana-foundation-sdk,
 * Go), panel options by their panel type's schema, and validates them. Go comes with the
 * machine (Go 1.26); the module is fetched by `go build` from go.sum on first use.
 */
describe('grafana-lint (Grafana dashboard schema)', () => {
  const go = process.env.GO ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');
  const lintDir = fileURLToPath(here('../../scripts/grafana-lint/'));
  const binary = join(mkdtempSync(join(tmpdir(), 'grafana-lint-')), 'grafana-lint');
  const boardPaths = files.map((f) => fileURLToPath(here(`./dashboards/${f}`)));
  const lint = (paths: string[]) => spawnSync(binary, paths, { encoding: 'utf8', timeout: 60_000 });

  beforeAll(() => {
    const built = spawnSync(go, ['build', '-mod=readonly', '-o', binary, '.'], {
      cwd: lintDir,
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(built.status, `go build: ${built.stderr}`).toBe(0);
  }, 600_000);

  it('passes every board', () => {
    const r = lint(boardPaths);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const f of files) expect(r.stdout).toContain(`${f}: ok`);
  });

  it('fails a board with a misspelt option or a panel type it cannot check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grafana-lint-bad-'));
    const bad = join(dir, 'bad.json');
    const board = read('./dashboards/pipeline-health.json');
    writeFileSync(bad, board.replace('"showLegend": true', '"showLegnd": true'));
    const r = lint([bad]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("unexpected field 'showLegnd'");
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, board.replace('"type": "timeseries"', '"type": "sparkles"'));
    const u = lint([unknown]);
    expect(u.status).toBe(1);
    expect(u.stdout).toContain('type "sparkles" is not one grafana-lint checks');
  });
});
