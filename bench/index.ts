import type { BenchSuite } from './types.ts';

/** Every benchmark suite, one line each. `npm run bench -- <area>` runs only matching areas. */
export const suites: Array<{ area: string; load: () => Promise<{ default: BenchSuite }> }> = [
  { area: 'match', load: () => import('./match.ts') },
  { area: 'topics', load: () => import('./topics.ts') },
  { area: 'topics-cpu', load: () => import('./topics-cpu.ts') },
  { area: 'dedup', load: () => import('./dedup.ts') },
  { area: 'ingest', load: () => import('./ingest.ts') },
  { area: 'enrich-path', load: () => import('./enrich-path.ts') },
  { area: 'pipeline', load: () => import('./pipeline.ts') },
  { area: 'api', load: () => import('./api.ts') },
  { area: 'reports', load: () => import('./reports.ts') },
  { area: 'alerts', load: () => import('./alerts.ts') },
  { area: 'preview', load: () => import('./preview.ts') },
  { area: 'sentiment', load: () => import('./sentiment.ts') },
  // Needs KAFKA_BROKERS; not run by a bare `npm run bench` (see bench/run.ts).
  { area: 'e2e', load: () => import('./e2e.ts') },
  { area: 'sentiment-accurate', load: () => import('./sentiment-accurate.ts') },
];
