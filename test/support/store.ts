import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore } from '../../store/chdb.ts';
import { ClickHouseServerStore } from '../../store/clickhouse-server.ts';
import { migrate } from '../../store/migrate.ts';
import type { Store } from '../../store/port.ts';
import { startChdbHttpFront } from './clickhouse-http.ts';
import type { TestServices } from './services.ts';

/**
 * A fresh database built by the real migrations. chdb: a temp directory (one per test file:
 * files run in their own processes); a server: a randomly named database.
 */
export async function freshStore(services: TestServices): Promise<Store> {
  const database = randomDatabase();
  const store =
    services.clickhouse.kind === 'chdb'
      ? await ChdbStore.open(mkdtempSync(join(tmpdir(), 'earshot-chdb-')), database)
      : await ClickHouseServerStore.open({
          url: services.clickhouse.url,
          username: services.clickhouse.user,
          password: services.clickhouse.password,
          database,
        });
  await migrate(store);
  return store;
}

/**
 * A fresh database behind the `clickhouse` adapter (`@clickhouse/client` over HTTP): on the
 * configured server, else on the engine behind a loopback ClickHouse HTTP front, which closes
 * with the store.
 */
export async function freshHttpStore(services: TestServices): Promise<Store> {
  if (services.clickhouse.kind === 'server') return freshStore(services);
  const front = await startChdbHttpFront();
  const store = await ClickHouseServerStore.open({
    url: front.url,
    username: front.user,
    password: front.password,
    database: randomDatabase(),
  });
  const closeStore = store.close.bind(store);
  store.close = async () => {
    await closeStore();
    await front.close();
  };
  await migrate(store);
  return store;
}

function randomDatabase(): string {
  return `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
