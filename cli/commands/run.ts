import type { Command } from 'commander';

import { ROLES, type Role } from '../roles/names.ts';

export function register(program: Command): void {
  program
    .command('run')
    .description(
      `run one or more roles of the pipeline in this process (production: one role per process on Kafka)`,
    )
    .argument('<roles...>', `any of: ${ROLES.join(', ')}`)
    .action(async (roles: string[]) => {
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length > 0)
        program.error(`unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`, {
          exitCode: 2,
        });
      const { runRoles } = await import('./run-action.ts');
      await runRoles(roles as Role[]);
    });
}
