import { ConfigError, EarshotError } from '../../core/errors.ts';
import { withStore } from './store-action.ts';

/**
 * `earshot sql`: the store vets the query with the engine's own parser and runs it read-only
 * (store/read-only-sql.ts); a refusal says why. Against a running `earshot start` the same
 * happens in that process, through its admin endpoint.
 */
export async function runSql(query: string, options: { json?: boolean }): Promise<void> {
  const format = options.json ? 'JSONEachRow' : 'PrettyCompactMonoBlock';
  await withStore(
    async (store) => {
      try {
        process.stdout.write(await store.readOnlyQuery(query, format));
      } catch (error) {
        if (error instanceof EarshotError && !error.retriable) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new ConfigError(`query failed: ${message.split('\n')[0]}`, { cause: error });
      }
    },
    { remote: (admin) => admin.sql(query, format).then((text) => void process.stdout.write(text)) },
  );
}
