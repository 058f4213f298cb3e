import { ConfigError } from '../core/errors.ts';
import { ClickHouseServerStore } from './clickhouse-server.ts';
import type { Store } from './port.ts';

export type { Store } from './port.ts';

export interface StoreSettings {
  EARSHOT_STORE: 'chdb' | 'clickhouse';
  CHDB_PATH: string;
  CLICKHOUSE_URL?: string | undefined;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
  CLICKHOUSE_DATABASE: string;
  CLICKHOUSE_CLUSTER?: string | undefined;
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  if (settings.EARSHOT_STORE === 'chdb') {
    if (settings.CLICKHOUSE_CLUSTER) {
      throw new ConfigError(
        'CLICKHOUSE_CLUSTER needs EARSHOT_STORE=clickhouse: the embedded engine is one process, not a cluster',
      );
    }
    // Imported here, not at the top: loading the engine's library costs ~150 MB of memory,
    // which a process that talks to a ClickHouse server must not pay.
    const { ChdbStore } = await import('./chdb.ts');
    return ChdbStore.open(settings.CHDB_PATH, settings.CLICKHOUSE_DATABASE);
  }
  if (!settings.CLICKHOUSE_URL) {
    throw new ConfigError(
      'EARSHOT_STORE=clickhouse needs CLICKHOUSE_URL (e.g. http://127.0.0.1:8123)',
    );
  }
  return ClickHouseServerStore.open({
    url: settings.CLICKHOUSE_URL,
    username: settings.CLICKHOUSE_USER,
    password: settings.CLICKHOUSE_PASSWORD,
    database: settings.CLICKHOUSE_DATABASE,
    cluster: settings.CLICKHOUSE_CLUSTER,
  });
}
