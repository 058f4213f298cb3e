/**
 * One consumer-group member in its own process, for the kill -9 test: consumes `topic` in
 * `group` through the stage runner and prints `consumed <value>` per message, `stopped` on
 * SIGTERM. Run: node --import tsx test/faults/member.ts <brokers> <topic> <group>
 */
import { KafkaBus } from '../../core/bus/kafka.ts';
import { silentLogger } from '../../core/logger.ts';
import { StageRunner } from '../../core/stage-runner.ts';

const [brokers, topic, group] = process.argv.slice(2) as [string, string, string];
const logger = silentLogger();
const bus = new KafkaBus({ brokers: brokers.split(','), clientId: group, partitions: 1, logger });
const runner = new StageRunner(
  {
    name: 'member',
    decode: (m) => m.value.toString('utf8'),
    process: (inputs: string[]) => inputs.map((value) => ({ ok: true as const, value })),
    deliver: (values: string[]) => {
      for (const v of values) process.stdout.write(`consumed ${v}\n`);
      return Promise.resolve();
    },
  },
  { bus, logger, consumer: { groupId: group, topics: [topic], maxWaitMs: 100 } },
);
process.on('SIGTERM', () => {
  void runner.stop().then(async () => {
    await bus.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  });
});
await runner.run();
