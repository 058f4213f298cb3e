import type { Command } from 'commander';
import { register as query } from './query.ts';
import { register as start } from './start.ts';

/** Every CLI command, in the order `earshot --help` lists them. One line per command module. */
export const commands: Array<(program: Command) => void> = [start, query];
