import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BusConfigSchema, env, LogConfigSchema, StoreConfigSchema } from '../core/config.ts';
import { SENTIMENT_TIERS } from '../enrich/sentiment/tiers.ts';

/** Prometheus exporters' customary port. */
export const DEFAULT_OPS_PORT = 9464;

export const DEMO_CONFIG_PATH = fileURLToPath(
  new URL('../ingest/demo/earshot.config.yaml', import.meta.url),
);

/**
 * The environment of every earshot process, one schema for all roles. Parsed once in the
 * command's action; modules receive the slice they need. docker-compose.yml sets these.
 */
export const AppSettingsSchema = LogConfigSchema.extend(BusConfigSchema.shape)
  .extend(StoreConfigSchema.shape)
  .extend({
    /** Workspaces, brands, sources, alert rules. Default: ./earshot.config.yaml, else the demo's. */
    EARSHOT_CONFIG: z.string().optional(),
    /** HTTP port of the API and the web UI. */
    PORT: env.int(0, 65_535, 3000),
    HOST: z.string().default('127.0.0.1'),
    /**
     * Ops port of `earshot run` (on HOST, default DEFAULT_OPS_PORT): /healthz, /readyz,
     * /metrics. 0: a port the system picks (logged as `ops_listening`). `earshot start` opens it only when set: its API port
     * serves the same three.
     */
    OPS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    /** Run the synthetic demo source (on by default in `earshot start`). */
    DEMO_ENABLED: env.bool(true),
    DEMO_RATE_PER_MINUTE: env.int(1, 100_000, 20),
    DEMO_BACKFILL_HOURS: env.int(0, 24 * 60, 72),
    DEMO_TICK_MS: env.int(100, 600_000, 2_000),
    /** Re-read demo mentions on the refresh schedule, so likes arrive after posting. */
    DEMO_REFRESH: env.bool(true),
    /** The sink inserts at most this many rows at once… */
    SINK_BATCH_MAX_ROWS: env.int(1, 1_000_000, 5_000),
    /**
     * …and waits at most this long for a batch to fill before inserting what it has. At low
     * rates this wait is most of ingest → queryable: 500 ms kept p95 at 1.3 s at 50 mentions/s
     * on a loaded machine, where 1,000 ms gave 2.6 s (docs/benchmarks.md, e2e).
     */
    SINK_FLUSH_INTERVAL_MS: env.int(1, 60_000, 500),
    ENRICH_BATCH_MAX: env.int(1, 100_000, 2_000),
    /**
     * Sentiment tier of the enrich stage: fast, accurate, or auto (accurate while the stage keeps
     * up, fast for a batch when it falls behind; enrich/sentiment/tiers.ts).
     */
    SENTIMENT_TIER: z.enum(SENTIMENT_TIERS).default('auto'),
    /** In auto, the time the accurate tier may take per batch before the rest goes to fast. */
    SENTIMENT_BUDGET_MS: env.int(0, 600_000, 1_000),
    /** How often topic/dedup/spam state is snapshotted to the store (and always on stop). */
    ENRICH_SNAPSHOT_INTERVAL_S: env.int(5, 86_400, 300),
    /** Snapshot key: give each enrich process of a scaled-out deployment its own. */
    ENRICH_STATE_KEY: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/)
      .default('enrich'),
    /** A fixed API key the demo workspace accepts (scripted use); otherwise `start` creates one. */
    EARSHOT_DEMO_API_KEY: z.string().min(8).optional(),
    /** Read results are reused this long for identical requests (0 = off); data lands about once a second. */
    API_CACHE_TTL_MS: env.int(0, 600_000, 5_000),
    /** API requests per second per key (burst: twice that). */
    API_RATE_LIMIT_PER_S: env.int(1, 100_000, 200),
    /** Largest request body the API reads (an ingest batch); larger is a 413. Default 10 MiB. */
    API_BODY_LIMIT_BYTES: env.int(1_024, 1_073_741_824, 10 * 1024 * 1024),
    /** The Chromium that prints PDF reports; without one, reports are served as HTML. */
    REPORTS_BROWSER_PATH: z.string().min(1).default('/usr/bin/chromium'),
    /** The API's public address, for the links of scheduled reports sent with `pdf: link`. */
    REPORTS_PUBLIC_URL: z.url().optional(),
    /** Engagement = weighted likes + reposts + replies, e.g. "likes:1,reposts:2,replies:1". */
    ENGAGEMENT_WEIGHTS: z
      .string()
      .regex(
        /^(likes|reposts|replies):\d+(\.\d+)?(,(likes|reposts|replies):\d+(\.\d+)?)*$/,
        'use likes:1,reposts:2,replies:1',
      )
      .default('likes:1,reposts:1,replies:1')
      .transform((s) => {
        const w = { likes: 1, reposts: 1, replies: 1 };
        for (const part of s.split(',')) {
          const [k, v] = part.split(':') as ['likes' | 'reposts' | 'replies', string];
          w[k] = Number(v);
        }
        return w;
      }),
    /** Keep raw mentions this many days (0 = forever); enforced by ClickHouse TTL. */
    STORE_RETENTION_DAYS: env.int(0, 36_500, 0),
    /** Keep the hourly rollups this many days (0 = forever): long-range charts read them. */
    STORE_ROLLUP_RETENTION_DAYS: env.int(0, 36_500, 0),
    /**
     * How often each process checks the store for brands and sources saved from the API (the
     * saving process applies them at once): the bound on how stale another process can be.
     */
    SETTINGS_POLL_INTERVAL_MS: env.int(100, 600_000, 2_000),
    /** Seconds to finish in-flight work on SIGTERM before exiting 1. */
    SHUTDOWN_TIMEOUT_S: env.int(1, 600, 30),
  });
export type AppSettings = z.infer<typeof AppSettingsSchema>;

export function configPath(settings: Pick<AppSettings, 'EARSHOT_CONFIG'>): string {
  if (settings.EARSHOT_CONFIG) return settings.EARSHOT_CONFIG;
  return existsSync('earshot.config.yaml') ? 'earshot.config.yaml' : DEMO_CONFIG_PATH;
}
