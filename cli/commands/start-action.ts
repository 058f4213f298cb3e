import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { startProcess } from '../process.ts';
import { ROLES } from '../roles/names.ts';
import { AppSettingsSchema } from '../settings.ts';

/** `earshot start` / `npm start`: the embedded default, every role in this process. */
export async function runStart(options: { demo: boolean }): Promise<void> {
  const settings = loadConfig(AppSettingsSchema, {
    LOG_PRETTY: process.stdout.isTTY ? 'true' : 'false',
    ...process.env,
  });
  const logger = createLogger({
    name: 'earshot',
    level: settings.LOG_LEVEL,
    pretty: settings.LOG_PRETTY,
  });
  const demoEnabled = options.demo && settings.DEMO_ENABLED;
  const { rt, api } = await startProcess(settings, logger, ROLES, {
    embedded: true,
    demo: demoEnabled,
  });
  const port = api!.port();
  const key = api!.demoKey()!;
  const url = `http://${settings.HOST === '0.0.0.0' ? '127.0.0.1' : settings.HOST}:${port}`;
  // Where the data lives, without credentials (the URL's user/password are settings apart).
  const store =
    rt.store.kind === 'chdb'
      ? settings.CHDB_PATH
      : `${settings.CLICKHOUSE_URL ?? ''} database ${rt.store.database}`;
  logger.info(
    { event: 'started', url, config: rt.configFile, store, demo: demoEnabled },
    `earshot is running at ${url}`,
  );
  process.stdout.write(
    [
      '',
      `  earshot is running at ${url}`,
      `  open the dashboard:    ${url}/#key=${key.key}`,
      `  API key (${key.workspace}):   ${key.key}`,
      `  try: curl -H 'Authorization: Bearer ${key.key}' '${url}/v1/brands'`,
      `  API docs:              ${url}/docs`,
      `  data:                  ${store}`,
      '',
      '',
    ].join('\n'),
  );
}
