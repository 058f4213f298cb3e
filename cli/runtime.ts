import { createBus, type Bus } from '../core/bus/index.ts';
import { describeError } from '../core/errors.ts';
import type { CursorStore } from '../core/cursor-store.ts';
import type { Logger } from '../core/logger.ts';
import type { Service } from '../core/runtime/services.ts';
import {
  loadEarshotConfig,
  watchEarshotConfig,
  type EarshotConfig,
} from '../core/workspace-config.ts';
import { openStore, type Store } from '../store/index.ts';
import { migrate } from '../store/migrate.ts';
import { applyRetention } from '../store/retention.ts';
import { CONFIG_RULES } from './config-rules.ts';
import { createSettingsSync, type SettingsSync } from './settings-sync.ts';
import { configPath, type AppSettings } from './settings.ts';

/**
 * What every role of a process shares: settings, logger, the store, the bus and the
 * configuration in force. `earshot start` runs every role in one process on the in-process
 * bus; production runs one role per process (`earshot run <role>`) on Kafka. Same code path.
 */
export interface Runtime {
  settings: AppSettings;
  logger: Logger;
  bus: Bus;
  store: Store;
  /** The configuration in force: reloaded when the file changes (a bad edit is ignored). */
  config: () => EarshotConfig;
  /** Called after each successful reload. */
  onConfigChange: (listener: (config: EarshotConfig) => void) => void;
  configFile: string;
  /** Stop watching the config file. */
  close: () => void;
  /**
   * The stored brands and sources merged with the file (absent: the file alone, as tests that
   * build a runtime by hand have it).
   */
  settingsSync?: SettingsSync;
  /**
   * Connector cursors when not simply the store's table: `earshot start` on the in-process bus
   * writes them only once what came before them is stored (cli/stored-cursors.ts).
   */
  cursors?: CursorStore;
}

/**
 * The runtime as three services, started before any role: the store (opened, migrated,
 * retention applied), the bus, and the watch on the config file. The config is read and
 * checked whole here, before anything opens: a bad config stops the process naming file and
 * line. `rt.store` and `rt.bus` exist once their service started.
 */
export function runtimeServices(
  settings: AppSettings,
  logger: Logger,
  options: { watchConfig?: boolean } = {},
): { rt: Runtime; services: Service[] } {
  const configFile = configPath(settings);
  let config = loadEarshotConfig(configFile, CONFIG_RULES);
  let store: Store | null = null;
  let bus: Bus | null = null;
  let watcher: { close(): void } | null = null;
  let sync: SettingsSync | undefined;
  const listeners: Array<(c: EarshotConfig) => void> = [];
  const rt: Runtime = {
    settings,
    logger,
    get store(): Store {
      if (!store) throw new Error('the store service has not started');
      return store;
    },
    get bus(): Bus {
      if (!bus) throw new Error('the bus service has not started');
      return bus;
    },
    config: () => config,
    onConfigChange: (l) => listeners.push(l),
    configFile,
    close: () => {
      watcher?.close();
      watcher = null;
      sync?.close();
    },
    get settingsSync(): SettingsSync | undefined {
      return sync;
    },
  };
  const services: Service[] = [
    {
      id: 'store',
      async start() {
        const opened = await openStore(settings);
        try {
          const applied = await migrate(opened, logger);
          await applyRetention(
            opened,
            settings.STORE_RETENTION_DAYS,
            settings.STORE_ROLLUP_RETENTION_DAYS,
          );
          logger.info({
            event: 'store_ready',
            store: opened.kind,
            database: opened.database,
            migrations_applied: applied.length,
          });
        } catch (error) {
          await opened.close().catch(() => undefined); // the error that matters is the first one
          throw error;
        }
        store = opened;
      },
      stop: async () => await store?.close(),
      async health() {
        await rt.store.query('SELECT 1 AS ok');
        return { ready: true, detail: { kind: rt.store.kind } };
      },
    },
    {
      id: 'bus',
      start: () => Promise.resolve(void (bus = createBus(settings, logger))),
      stop: async () => await bus?.close(),
      async health() {
        await rt.bus.ping();
        return { ready: true, detail: { kind: rt.bus.kind } };
      },
    },
    {
      // What the API saved (brands, sources) on top of the file; every process polls for
      // changes (cli/settings-sync.ts says why polling the store).
      id: 'settings',
      async start() {
        sync = await createSettingsSync(
          rt.store,
          config,
          logger,
          settings.SETTINGS_POLL_INTERVAL_MS,
        );
        config = sync.merged().config;
        sync.onChange((merged) => {
          config = merged.config;
          for (const l of listeners) l(merged.config);
        });
      },
      stop: () => Promise.resolve(sync?.close()),
    },
  ];
  // Watching starts after the store and bus opened: an open watcher keeps the process alive.
  if (options.watchConfig !== false) {
    services.push({
      id: 'config',
      start() {
        watcher = watchEarshotConfig(
          configFile,
          (next) => {
            logger.info({ event: 'config_reloaded', file: configFile });
            if (sync) {
              sync.setFile(next); // merged with the stored items, then the listeners
            } else {
              config = next;
              for (const l of listeners) l(next);
            }
          },
          (error) =>
            logger.error(
              { event: 'config_reload_failed', file: configFile, err: describeError(error) },
              'config change ignored',
            ),
          CONFIG_RULES,
        );
        return Promise.resolve();
      },
      stop: () => Promise.resolve(rt.close()),
    });
  }
  return { rt, services };
}

/** The runtime opened at once, for commands that are no long-running process (`import`). */
export async function openRuntime(
  settings: AppSettings,
  logger: Logger,
  options: { watchConfig?: boolean } = {},
): Promise<Runtime> {
  const { rt, services } = runtimeServices(settings, logger, options);
  const started: Service[] = [];
  try {
    for (const s of services) {
      await s.start({ fail: () => undefined });
      started.push(s);
    }
  } catch (error) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw error;
  }
  return rt;
}
