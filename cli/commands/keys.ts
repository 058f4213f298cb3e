import { Option, type Command } from 'commander';

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description(
      'manage API keys (stored hashed; a key is shown once); works while earshot start runs',
    );
  keys
    .command('create')
    .description('create an API key for a workspace and print it (once)')
    .requiredOption('-w, --workspace <id>', 'workspace id from earshot.config.yaml')
    .option('-n, --name <name>', 'a label to recognise the key by', 'cli')
    .addOption(
      new Option(
        '-s, --scope <scope>',
        'read: dashboards and exports; admin: also setup, alert rules, keys and ingest',
      )
        .choices(['read', 'admin'])
        .default('admin'),
    )
    .action(async (options: { workspace: string; name: string; scope: 'read' | 'admin' }) => {
      const { withStore } = await import('./store-action.ts');
      const { createApiKey } = await import('../../store/queries/api-keys.ts');
      const created = (key: string, record: { key_id: string; workspace: string }) => {
        process.stderr.write(
          `created ${options.scope} key ${record.key_id} for workspace ${record.workspace}; it is not shown again:\n`,
        );
        process.stdout.write(`${key}\n`);
      };
      await withStore(
        async (store, config) => {
          if (!config.workspaces.some((w) => w.id === options.workspace)) {
            const known = config.workspaces.map((w) => w.id).join(', ');
            throw new (await import('../../core/errors.ts')).ConfigError(
              `no workspace "${options.workspace}" in the configuration (known: ${known})`,
            );
          }
          const { key, record } = await createApiKey(
            store,
            options.workspace,
            options.name,
            options.scope,
          );
          created(key, record);
        },
        {
          // The running server checks the workspace against the configuration it runs with.
          remote: async (admin) => {
            const { key, record } = await admin.createKey(
              options.workspace,
              options.name,
              options.scope,
            );
            created(key, record);
          },
        },
      );
    });
  keys
    .command('list')
    .description('list keys (ids, workspaces, names; never secrets)')
    .action(async () => {
      const { withStore } = await import('./store-action.ts');
      const { listApiKeys } = await import('../../store/queries/api-keys.ts');
      const print = (list: ApiKeyLine[]) => {
        for (const k of list) {
          process.stdout.write(
            `${k.key_id}\t${k.workspace}\t${k.revoked ? 'revoked' : 'active'}\t${k.created_at}\t${k.name}\n`,
          );
        }
      };
      await withStore(async (store) => print(await listApiKeys(store)), {
        remote: async (admin) => print(await admin.listKeys()),
      });
    });
  keys
    .command('revoke')
    .description('revoke a key by id (a running earshot start refuses it at once)')
    .argument('<key-id>')
    .action(async (keyId: string) => {
      const { withStore } = await import('./store-action.ts');
      const { revokeApiKey } = await import('../../store/queries/api-keys.ts');
      await withStore(
        async (store) => {
          if (!(await revokeApiKey(store, keyId)))
            throw new (await import('../../core/errors.ts')).ConfigError(`no key ${keyId}`);
          process.stdout.write(`revoked ${keyId}\n`);
        },
        {
          remote: async (admin) => {
            await admin.revokeKey(keyId);
            process.stdout.write(`revoked ${keyId}\n`);
          },
        },
      );
    });
}

interface ApiKeyLine {
  key_id: string;
  workspace: string;
  name: string;
  created_at: string;
  revoked: boolean;
  scope?: string;
}
