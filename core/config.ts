import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Parse an env-like record with a zod schema once, at startup, in `main`.
 * Returns a frozen typed object, or throws one ConfigError listing every bad key.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  what = 'environment',
): Readonly<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid ${what}:\n${z.prettifyError(parsed.error)}`);
  }
  return Object.freeze(parsed.data);
}

/** Reusable env fragments, composed by each deployable's config schema. */
export const env = {
  int: (min: number, max: number, fallback: number) =>
    z.coerce.number().int().min(min).max(max).default(fallback),
  bool: (fallback: boolean) => z.stringbool().default(fallback),
  /** Comma-separated list, e.g. `KAFKA_BROKERS=a:9092,b:9092`. */
  list: () =>
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0),
      )
      .pipe(z.array(z.string()).min(1)),
};

export const LogConfigSchema = z.object({
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_PRETTY: env.bool(false),
});

/** Which bus carries messages between stages. */
export const BusConfigSchema = z.object({
  /** `memory` runs every stage in one process; `kafka` is the production bus. */
  EARSHOT_BUS: z.enum(['memory', 'kafka']).default('memory'),
  /** Bootstrap brokers, required when EARSHOT_BUS=kafka. */
  KAFKA_BROKERS: env.list().optional(),
  KAFKA_CLIENT_ID: z.string().default('earshot'),
  /** Partitions for topics the app creates; more partitions = more consumers can share a stage. */
  KAFKA_TOPIC_PARTITIONS: env.int(1, 1024, 4),
  /** Compression of what earshot produces: gzip, or none (less CPU; batches must fit the broker's message.max.bytes uncompressed). */
  KAFKA_COMPRESSION: z.enum(['none', 'gzip']).default('gzip'),
  /**
   * Prefix of every topic and consumer group on the broker, so deployments (or test runs and
   * benchmarks) can share one; inside earshot topics keep their names.
   */
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,100}$/, 'letters, digits, ".", "_" and "-" only')
    .default(''),
});

/** Which store holds the mentions. */
export const StoreConfigSchema = z.object({
  /** `chdb` is the embedded ClickHouse engine; `clickhouse` is a server at CLICKHOUSE_URL. */
  EARSHOT_STORE: z.enum(['chdb', 'clickhouse']).default('chdb'),
  /** Data directory of the embedded engine. */
  CHDB_PATH: z.string().default('./data/chdb'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  /** Database that holds earshot's tables (created by the migrations). */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'database must be an identifier')
    .default('earshot'),
  /**
   * A cluster of the servers' remote_servers: the migrations run ON CLUSTER, tables become
   * Replicated…MergeTree behind Distributed ones (store/cluster-ddl.ts). Unset: one server.
   */
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^([A-Za-z_][A-Za-z0-9_]*)?$/, 'cluster must be an identifier')
    .optional()
    .transform((v) => v || undefined),
});
