import type { Command } from 'commander';
import { register as query } from './query.ts';
import { register as start } from './start.ts';
import { register as run } from './run.ts';
import { register as importFile } from './import.ts';
import { register as enrich } from './enrich.ts';
import { register as migrate } from './migrate.ts';
import { register as ingest } from './ingest.ts';
import { register as sources } from './sources.ts';
import { register as alerts } from './alerts.ts';
import { register as keys } from './keys.ts';
import { register as sql } from './sql.ts';
import { register as exportData } from './export.ts';
import { register as config } from './config.ts';

/** Every CLI command, in the order `earshot --help` lists them. One line per command module. */
export const commands: Array<(program: Command) => void> = [
  start,
  run,
  importFile,
  enrich,
  query,
  migrate,
  ingest,
  sources,
  keys,
  sql,
  exportData,
  alerts,
  config,
];
