import http from 'node:http';
import { existsSync } from 'node:fs';

/**
 * Real services for integration tests, picked in order (docs/architecture.md, "Kafka"):
 *   1. KAFKA_BROKERS / CLICKHOUSE_URL from the environment (an existing cluster);
 *   2. testcontainers, where a Docker engine answers;
 *   3. local: Apache Kafka from Maven Central jars on the machine's Java, and chdb.
 * A service that cannot be had fails the run with a message saying how to provide it.
 */
export interface TestServices {
  kafka: { brokers: string[]; via: 'env' | 'testcontainers' | 'local'; startMs: number };
  clickhouse:
    | { kind: 'chdb' }
    | {
        kind: 'server';
        url: string;
        user: string;
        password: string;
        via: 'env' | 'testcontainers';
      };
}

export interface StartedServices {
  services: TestServices;
  stop(): Promise<void>;
}

export async function startServices(log: (line: string) => void): Promise<StartedServices> {
  const stops: Array<() => Promise<unknown>> = [];
  const docker = await dockerAnswers();

  let kafka: TestServices['kafka'];
  if (process.env.KAFKA_BROKERS) {
    kafka = {
      brokers: process.env.KAFKA_BROKERS.split(',').map((s) => s.trim()),
      via: 'env',
      startMs: 0,
    };
  } else if (docker) {
    const started = Date.now();
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('apache/kafka:4.1.1').withKraft().start();
    stops.push(() => container.stop());
    kafka = {
      brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`],
      via: 'testcontainers',
      startMs: Date.now() - started,
    };
  } else {
    const { ensureKafka, takeKafkaLease, releaseKafkaLease, KafkaSetupError } =
      await import('../../scripts/kafka.mjs');
    const port = Number(process.env.KAFKA_LOCAL_PORT ?? 19092);
    try {
      // Lease first, so a run finishing meanwhile sees this one and leaves the broker up.
      takeKafkaLease({ port });
      stops.push(() => releaseKafkaLease({ port }));
      const r = await ensureKafka({ port, log, autoStop: true });
      kafka = { brokers: r.brokers, via: 'local', startMs: r.startMs };
    } catch (error) {
      const why = error instanceof KafkaSetupError ? error.message : String(error);
      throw new Error(
        `Integration tests need a Kafka broker and none could be had.\n${why}\n` +
          'Provide one of: KAFKA_BROKERS=host:port (existing cluster), a Docker engine (testcontainers), ' +
          'or Java 17+ and Maven for the local broker (npm run kafka:up).',
        { cause: error },
      );
    }
  }

  let clickhouse: TestServices['clickhouse'];
  if (process.env.CLICKHOUSE_URL) {
    clickhouse = {
      kind: 'server',
      url: process.env.CLICKHOUSE_URL,
      user: process.env.CLICKHOUSE_USER ?? 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
      via: 'env',
    };
  } else if (docker) {
    const { ClickHouseContainer } = await import('@testcontainers/clickhouse');
    const container = await new ClickHouseContainer('clickhouse/clickhouse-server:25.8').start();
    stops.push(() => container.stop());
    clickhouse = {
      kind: 'server',
      url: container.getHttpUrl(),
      user: container.getUsername(),
      password: container.getPassword(),
      via: 'testcontainers',
    };
  } else {
    clickhouse = { kind: 'chdb' };
  }

  return {
    services: { kafka, clickhouse },
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** True when a Docker engine answers on its socket (the client alone is not enough). */
function dockerAnswers(): Promise<boolean> {
  const socketPath = process.env.DOCKER_HOST?.startsWith('unix://')
    ? process.env.DOCKER_HOST.slice(7)
    : '/var/run/docker.sock';
  if (process.env.DOCKER_HOST?.startsWith('tcp://') === false && !existsSync(socketPath))
    return Promise.resolve(false);
  if (!process.env.DOCKER_HOST && !existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}
