import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web UI: plain TypeScript + DOM and ECharts, built into `dist/`, which the API serves at
 * `/` (api/routes/ui.ts). Relative asset paths (`base: './'`) so the build also works behind a
 * reverse proxy that mounts the API under a sub-path.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts (only the charts and components used, ~200 kB gzipped) is the bulk of the
    // bundle; it gets its own chunk so a new app build leaves it cached in browsers.
    rolldownOptions: {
      output: {
        manualChunks: (id: string) =>
          id.includes('node_modules/echarts') || id.includes('node_modules/zrender')
            ? 'charts'
            : undefined,
      },
    },
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npx vite dashboards/web` during development: API calls go to a running `earshot start`.
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json'].map((p) => [
        p,
        process.env.EARSHOT_API_URL ?? 'http://127.0.0.1:3000',
      ]),
    ),
  },
});
