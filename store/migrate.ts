import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import type { Store } from './port.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  checksum: string;
}

/** `NNNN_name.sql` files in order; statements split on `;` at the end of a line. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const statements = text
        .split(/;\s*$/m)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter((s) => s.length > 0);
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        statements,
        checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
      };
    });
}

/**
 * Apply pending migrations in order, recording each in `schema_migrations`. Statements are
 * idempotent (`IF NOT EXISTS`), so a crash half-way is repaired by running again.
 */
export async function migrate(
  store: Store,
  logger?: Logger,
  dir = MIGRATIONS_DIR,
): Promise<string[]> {
  await store.command(`CREATE TABLE IF NOT EXISTS schema_migrations
    (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
    ENGINE = ReplacingMergeTree ORDER BY version`);
  const applied = new Map(
    (
      await store.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migrations FINAL',
      )
    ).map((r) => [r.version, r.checksum]),
  );
  const done: string[] = [];
  for (const m of readMigrations(dir)) {
    const previous = applied.get(m.version);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        logger?.warn(
          { event: 'migration_changed', migration: m.name },
          'applied migration file changed since; write a new migration instead',
        );
      }
      continue;
    }
    for (const statement of m.statements) await store.command(statement);
    await store.insert('schema_migrations', [
      {
        version: m.version,
        name: m.name,
        checksum: m.checksum,
        applied_at: new Date().toISOString(),
      },
    ]);
    logger?.info({ event: 'migration_applied', migration: m.name });
    done.push(m.name);
  }
  return done;
}
