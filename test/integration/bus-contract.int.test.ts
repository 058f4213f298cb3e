import { inject } from 'vitest';
import { KafkaBus } from '../../core/bus/kafka.ts';
import { defineBusContract } from '../../core/bus/testing/bus-contract.ts';
import { silentLogger } from '../../core/logger.ts';

// The same contract as the in-process bus (core/bus/in-process.test.ts), on the real broker.
// One partition per topic, so a batch holds what one produce sent; a group join takes seconds.
const services = inject('services');
defineBusContract(
  'kafka',
  () =>
    new KafkaBus({
      brokers: services.kafka.brokers,
      clientId: 'earshot-bus-contract',
      partitions: 1,
      logger: silentLogger(),
    }),
  { timeoutMs: 60_000, maxWaitMs: 100 },
);
