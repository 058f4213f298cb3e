import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ManifestSchema } from '../../enrich/sentiment/manifest.ts';

/**
 * Writes `manifest.json` after checking it with the schema the scorer reads it with
 * (enrich/sentiment/manifest.ts): a trainer that produced a manifest its reader refuses fails
 * here, naming the field, instead of at the next start of the enrich stage. Fields the reader
 * does not know (`training`, the run's report) are written as given.
 */
export function writeManifest(dir: string, manifest: Record<string, unknown>): void {
  const checked = ManifestSchema.safeParse(manifest);
  if (!checked.success) {
    throw new Error(
      `refusing to write ${join(dir, 'manifest.json')}: the scorer would reject it: ${z.prettifyError(checked.error)}`,
    );
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest) + '\n');
}
