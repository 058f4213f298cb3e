import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore } from '../../store/chdb.ts';
import { ClickHouseServerStore } from '../../store/clickhouse-server.ts';
import { migrate } from '../../store/migrate.ts';
import type { Store } from '../../store/port.ts';
import { sinkStage } from '../../store/sink/stage.ts';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import { startChdbHttpFront } from './clickhouse-http.ts';
import type { TestServices } from './services.ts';

/**
 * A new, empty database (no migrations). chdb: a temp directory (one per test file: files run
 * in their own processes); a server: a randomly named database.
 */
export async function emptyStore(services: TestServices): Promise<Store> {
  const database = randomDatabase();
  return services.clickhouse.kind === 'chdb'
    ? ChdbStore.open(mkdtempSync(join(tmpdir(), 'earshot-chdb-')), database)
    : ClickHouseServerStore.open({
        url: services.clickhouse.url,
        username: services.clickhouse.user,
        password: services.clickhouse.password,
        database,
      });
}

/** A fresh database built by the real migrations. */
export async function freshStore(services: TestServices): Promise<Store> {
  const store = await emptyStore(services);
  await migrate(store);
  return store;
}

/**
 * Store enriched mentions through the real sink stage, as the pipeline does: one batch at
 * offsets `firstOffset`… of a test topic. One bus epoch by default, so the same offsets are a
 * redelivery; a test of a new process passes an epoch of its own.
 */
export async function storeThroughSink(
  store: Store,
  mentions: readonly EnrichedMention[],
  firstOffset = 0,
  epoch = 'test-bus',
): Promise<void> {
  const sink = sinkStage(store);
  const rows = mentions.map((m, i) =>
    sink.decode({
      topic: 't',
      partition: 0,
      offset: String(firstOffset + i),
      key: m.id,
      value: Buffer.from(JSON.stringify(m)),
      headers: {},
    }),
  );
  await sink.deliver(rows, {
    epoch,
    topic: 't',
    partition: 0,
    firstOffset: String(firstOffset),
    lastOffset: String(firstOffset + rows.length - 1),
  });
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

/**
 * A fresh database behind the `clickhouse` adapter with CLICKHOUSE_CLUSTER set: the migrations
 * in their cluster form (store/cluster-ddl.ts) on the engine behind a loopback front that
 * serves as a cluster of one shard (`Distributed` tables over the local ones, views on the
 * local tables; no Keeper, so replicated engines run without copies). Closes with the store.
 */
export async function freshClusterStore(cluster = 'earshot'): Promise<Store> {
  const front = await startChdbHttpFront({ cluster });
  const store = await ClickHouseServerStore.open({
    url: front.url,
    username: front.user,
    password: front.password,
    database: randomDatabase(),
    cluster,
  });
  const closeStore = store.close.bind(store);
  store.close = async () => {
    await closeStore();
    await front.close();
  };
  await migrate(store);
  return store;
}
