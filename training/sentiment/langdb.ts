import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  PACKED_DB_PATH,
  encodePackedDb,
  loadEldInternals,
} from '../../enrich/language/ngram-model.ts';

/**
 * Writes eld's `medium` n-gram database in the packed binary form the detector loads
 * (enrich/language/model/eld-medium.bin). Loading eld's own database means parsing a 2 MB
 * JavaScript object literal, which leaves ~150 MiB of resident memory behind in every enrich
 * worker; the packed file loads into typed arrays directly. Same data: the detector's unit test
 * checks its scores against eld's. Run by `npm run train:sentiment`.
 */
export async function buildLanguageDb(path = PACKED_DB_PATH): Promise<number> {
  const internals = await loadEldInternals();
  if (internals === null)
    throw new Error('cannot read eld’s n-gram database from node_modules/eld');
  const bytes = encodePackedDb(internals.data);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes.length;
}
