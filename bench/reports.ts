import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../api/app.ts';
import { alertRoutes } from '../api/routes/alerts.ts';
import { uiRoutes } from '../api/routes/ui.ts';
import { silentLogger } from '../core/logger.ts';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import { ChdbStore } from '../store/chdb.ts';
import { migrate } from '../store/migrate.ts';
import { loadBenchMentions } from './api.ts';
import type { BenchResult } from './types.ts';

/**
 * Exports and PDF reports on a store of BENCH_REPORTS_MENTIONS synthetic mentions (default 1 M,
 * the api bench's data: 30 days, 3 brands): the time to stream a brand's mentions as CSV and as
 * XLSX (all of them, through the HTTP API in process), and to print a brand report and a
 * comparison report to PDF with the machine's Chromium (first with the browser's start, then
 * warm): the dashboard's print view, served by this API in process (the web UI must be built:
 * `npm run build:ui`). Wall-clock times, and the API process's CPU time beside them (Chromium's
 * own is not in it): on a shared machine wall-clock varies with its load.
 */
const N = Number(process.env.BENCH_REPORTS_MENTIONS ?? 1_000_000);
const KEY = 'bench-reports-key';
const FROM_7D = '2026-11-13T00:00:00Z';
const FROM_30D = '2026-10-21T00:00:00Z';
const TO = '2026-11-20T00:00:00Z';

export default async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-reports-'));
  const store = await ChdbStore.open(dir, 'bench');
  const results: BenchResult[] = [];
  const app = await buildApi({
    store,
    config: () =>
      parseEarshotConfig(
        'workspaces:\n  - id: bench\n    name: Bench\n    brands:\n      - { id: aurora, name: Aurora, query: aurora }\n      - { id: nimbus, name: Nimbus, query: nimbus }\n      - { id: zephyr, name: Zephyr, query: zephyr }\n',
      ),
    logger: silentLogger(),
    now: () => new Date(TO),
    demoKey: { key: KEY, workspace: 'bench' },
    reportsBrowserPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // As `earshot start` serves it: the web UI (the PDF is its print view) and the alerts.
    extraRoutes: [alertRoutes],
    rootPlugins: [uiRoutes()],
  });
  try {
    await migrate(store);
    const t0 = performance.now();
    await loadBenchMentions(store, N);
    process.stderr.write(
      `loaded and merged in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    const timed = async (name: string, url: string, rowsUnit = true): Promise<void> => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const res = await app.inject({ url, headers: { authorization: `Bearer ${KEY}` } });
      const s = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      process.stderr.write(`${name}: ${s.toFixed(1)} s (API process CPU ${cpuS.toFixed(1)} s)\n`);
      if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${res.body}`);
      // A PDF of the print view, not the HTML report's fallback (whose title is "…: report").
      if (!rowsUnit && !url.includes('format=html') && !res.body.includes('earshot report)'))
        throw new Error(`${url}: not printed from the dashboard's print view (is the UI built?)`);
      const rows = Number(res.headers['x-total-count'] ?? 0);
      results.push({
        area: 'reports',
        name,
        value: s,
        unit: 's',
        notes: rowsUnit
          ? `${rows.toLocaleString('en-US')} rows, ${Math.round(rows / s).toLocaleString('en-US')} rows/s, ${(res.rawPayload.length / 1e6).toFixed(1)} MB`
          : `${(res.rawPayload.length / 1e3).toFixed(0)} kB, API process CPU ${cpuS.toFixed(1)} s`,
      });
    };
    await timed(
      'export mentions CSV, one brand, 30 days',
      `/v1/export/mentions.csv?brand=aurora&from=${FROM_30D}&to=${TO}`,
    );
    await timed(
      'export mentions XLSX, one brand, 7 days',
      `/v1/export/mentions.xlsx?brand=aurora&from=${FROM_7D}&to=${TO}`,
    );
    await timed(
      'export mentions CSV, one brand, 7 days',
      `/v1/export/mentions.csv?brand=aurora&from=${FROM_7D}&to=${TO}`,
    );
    await timed(
      'export series XLSX, one brand, 30 days by day',
      `/v1/export/series.xlsx?brand=aurora&from=${FROM_30D}&to=${TO}&interval=1d`,
    );
    const report = `/v1/reports/brands/aurora?from=${FROM_7D}&to=${TO}`;
    await timed('PDF brand report, 7 days (cold: browser start)', report, false);
    await timed('PDF brand report, 7 days (warm)', report, false);
    await timed(
      'PDF comparison report, 3 brands, 30 days (warm)',
      `/v1/reports/compare?brands=aurora,nimbus,zephyr&from=${FROM_30D}&to=${TO}`,
      false,
    );
    await timed('HTML brand report, 7 days', `${report}&format=html`, false);
    return results;
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
