import { ConfigError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { InProcessBus } from './in-process.ts';
import { KafkaBus } from './kafka.ts';
import type { Bus } from './port.ts';

export type { Bus } from './port.ts';

export interface BusSettings {
  EARSHOT_BUS: 'memory' | 'kafka';
  KAFKA_BROKERS?: string[] | undefined;
  KAFKA_CLIENT_ID: string;
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_NAMESPACE?: string;
  KAFKA_COMPRESSION?: 'none' | 'gzip';
}

export function createBus(settings: BusSettings, logger: Logger): Bus {
  if (settings.EARSHOT_BUS === 'memory') {
    return new InProcessBus({
      onDiscard: (topic, count) =>
        logger.warn(
          { event: 'bus_discarded', topic, count },
          'no consumer on topic; oldest messages discarded',
        ),
    });
  }
  if (!settings.KAFKA_BROKERS?.length) {
    throw new ConfigError(
      'EARSHOT_BUS=kafka needs KAFKA_BROKERS (e.g. KAFKA_BROKERS=127.0.0.1:19092; `npm run kafka:up` starts one)',
    );
  }
  return new KafkaBus({
    brokers: settings.KAFKA_BROKERS,
    clientId: settings.KAFKA_CLIENT_ID,
    partitions: settings.KAFKA_TOPIC_PARTITIONS,
    namespace: settings.KAFKA_NAMESPACE ?? '',
    compression: settings.KAFKA_COMPRESSION ?? 'gzip',
    logger,
  });
}
