import type { BenchSuite } from './types.ts';

/** Every benchmark suite, one line each. `npm run bench -- <area>` runs only matching areas. */
export const suites: Array<{ area: string; load: () => Promise<{ default: BenchSuite }> }> = [
  { area: 'match', load: () => import('./match.ts') },
  { area: 'topics', load: () => import('./topics.ts') },
  { area: 'dedup', load: () => import('./dedup.ts') },
  { area: 'ingest', load: () => import('./ingest.ts') },
  { area: 'pipeline', load: () => import('./pipeline.ts') },
  { area: 'api', load: () => import('./api.ts') },
  { area: 'alerts', load: () => import('./alerts.ts') },
  { area: 'sentiment', load: () => import('./sentiment.ts') },
  { area: 'sentiment-accurate', load: () => import('./sentiment-accurate.ts') },
];
