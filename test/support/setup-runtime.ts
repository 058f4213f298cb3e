import type { Bus } from '../../core/bus/port.ts';
import type { Logger } from '../../core/logger.ts';
import type { EarshotConfig } from '../../core/workspace-config.ts';
import { createSettingsSync } from '../../cli/settings-sync.ts';
import type { Runtime } from '../../cli/roles/index.ts';
import { AppSettingsSchema } from '../../cli/settings.ts';
import type { Store } from '../../store/port.ts';

/**
 * A runtime as `openRuntime` builds it (the file's configuration merged with the brands and
 * sources stored from the API, polled for changes), on a store and bus a test opened. One per
 * simulated process: runtimes share nothing but the store and the bus.
 */
export async function runtimeWithSettings(options: {
  store: Store;
  bus: Bus;
  file: EarshotConfig;
  logger: Logger;
  env?: Record<string, string>;
  pollMs?: number;
}): Promise<Runtime> {
  const settings = AppSettingsSchema.parse({
    SINK_FLUSH_INTERVAL_MS: '20',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const sync = await createSettingsSync(
    options.store,
    options.file,
    options.logger,
    options.pollMs ?? 200,
  );
  let config = sync.merged().config;
  const listeners: Array<(c: EarshotConfig) => void> = [];
  sync.onChange((m) => {
    config = m.config;
    for (const l of listeners) l(m.config);
  });
  return {
    settings,
    logger: options.logger,
    bus: options.bus,
    store: options.store,
    config: () => config,
    onConfigChange: (l) => listeners.push(l),
    configFile: '(test)',
    close: () => sync.close(),
    settingsSync: sync,
  };
}
