import { writeFileSync } from 'node:fs';
import { CORRECTIONS_SQL, correctionRecords } from '../../store/queries/corrections.ts';
import { withStore } from './store-action.ts';

/**
 * `earshot export corrections`: the corrections in force (reverted ones are not), one JSON
 * object per line. A read-only query, so it also runs against a running `earshot start`.
 */
export async function exportCorrections(options: {
  workspace?: string;
  out?: string;
}): Promise<void> {
  const write = (jsonl: string): void => {
    const records = correctionRecords(jsonl, options.workspace);
    const text = records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
    if (options.out) writeFileSync(options.out, text);
    else process.stdout.write(text);
    process.stderr.write(
      `exported ${records.length} correction${records.length === 1 ? '' : 's'}${options.out ? ` to ${options.out}` : ''}\n`,
    );
  };
  await withStore(
    async (store) => write(await store.readOnlyQuery(CORRECTIONS_SQL, 'JSONEachRow')),
    {
      remote: async (admin) => write(await admin.sql(CORRECTIONS_SQL, 'JSONEachRow')),
    },
  );
}
