import type { TestProject } from 'vitest/node';
import { startServices, type TestServices } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

/** Finds or starts Kafka and ClickHouse once for the integration project. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => process.stderr.write(`[services] ${line}\n`);
  const started = await startServices(log);
  const { kafka, clickhouse } = started.services;
  log(
    `kafka ${kafka.brokers.join(',')} (${kafka.via}${kafka.startMs ? `, started in ${(kafka.startMs / 1000).toFixed(1)} s` : ''}); ` +
      `clickhouse ${clickhouse.kind === 'chdb' ? 'chdb (embedded engine)' : `${clickhouse.url} (${clickhouse.via})`}`,
  );
  project.provide('services', started.services);
  return () => started.stop();
}
