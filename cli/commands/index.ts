import type { Command } from 'commander';

/** Every CLI command, in the order `earshot --help` lists them. One line per command module. */
export const commands: Array<(program: Command) => void> = [];
