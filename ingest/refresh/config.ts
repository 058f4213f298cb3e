import { z } from 'zod';
import { DurationSchema } from '../../core/duration.ts';

/**
 * `sources.<source>.refresh` in earshot.config.yaml: when a source that can re-read engagement
 * (Connector.refresh) does so. Read by the ingest runtime beside the connector's own settings.
 */
export const RefreshConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Ages after posting at which likes, reposts and replies are read again. */
    after: z
      .array(DurationSchema.refine((ms) => ms <= 30 * 86_400_000, 'at most 30d'))
      .min(1)
      .max(12)
      .prefault(['15m', '1h', '6h', '24h']),
    /** Mentions remembered for re-reading; beyond it the first seen are forgotten. */
    max_tracked: z.number().int().min(100).max(5_000_000).default(50_000),
    /** At most this many mentions re-read per minute (each source call takes a batch). */
    max_per_minute: z.number().int().min(1).max(1_000_000).default(1_000),
  })
  .prefault({});
export type RefreshConfig = z.infer<typeof RefreshConfigSchema>;
