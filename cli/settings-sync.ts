import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { EarshotConfig } from '../core/workspace-config.ts';
import {
  mergeSettings,
  type MergedSettings,
  type SettingsItem,
} from '../core/workspace-settings.ts';
import type { Store } from '../store/port.ts';
import { listSettings, settingsVersion } from '../store/queries/settings.ts';

/**
 * Hot apply of what the API saves (brands, sources), in every process: each one polls the
 * configuration's version in the store (`max(version)` of `workspace_settings`, a few bytes)
 * and, when it moved, reads the items and merges them with the file. Chosen over a compacted
 * Kafka topic because every role already holds the store and the embedded mode has no Kafka:
 * one mechanism for both, and the store stays the single source of truth (a process that
 * starts later reads the same state, no topic replay). The process that saved refreshes at
 * once; the others within one poll interval (SETTINGS_POLL_INTERVAL_MS).
 */
export interface SettingsSync {
  merged(): MergedSettings;
  /** A new file configuration (the file watcher): merged with the stored items at once. */
  setFile(file: EarshotConfig): void;
  /** Read the stored items now (after a save in this process). */
  refresh(): Promise<void>;
  onChange(listener: (merged: MergedSettings) => void): void;
  close(): void;
}

export async function createSettingsSync(
  store: Store,
  file: EarshotConfig,
  logger: Logger,
  intervalMs: number,
): Promise<SettingsSync> {
  let items: SettingsItem[] = await listSettings(store);
  let current = mergeSettings(file, items);
  let version = current.version;
  const listeners: Array<(m: MergedSettings) => void> = [];
  const report = (m: MergedSettings) => {
    for (const s of m.shadowed)
      logger.warn({ event: 'stored_setting_not_applied', ...s }, 'stored setting not in force');
  };
  report(current);
  const apply = (next: MergedSettings) => {
    current = next;
    report(next);
    for (const l of listeners) l(next);
  };
  let reading: Promise<void> | null = null;
  const reload = async () => {
    items = await listSettings(store);
    version = items.reduce((v, i) => Math.max(v, i.version), 0);
    apply(mergeSettings(file, items));
    logger.info({ event: 'settings_applied', version });
  };
  const poll = async () => {
    try {
      if ((await settingsVersion(store)) !== version) await reload();
    } catch (error) {
      // The store is away for a moment: keep what is in force, try again at the next tick.
      logger.warn({ event: 'settings_poll_failed', err: describeError(error) });
    }
  };
  const timer = setInterval(() => {
    reading ??= poll().finally(() => (reading = null));
  }, intervalMs);
  timer.unref();
  return {
    merged: () => current,
    setFile(next) {
      file = next;
      apply(mergeSettings(file, items));
    },
    async refresh() {
      await reading;
      await reload();
    },
    onChange: (l) => listeners.push(l),
    close: () => clearInterval(timer),
  };
}
