import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { installShutdown } from './lifecycle.ts';

function capturingLogger() {
  const lines: Array<{ msg?: string; event?: string; clean?: boolean }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

afterEach(() => {
  process.exitCode = undefined;
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
});

describe('installShutdown', () => {
  it('says "stopped cleanly" when every step stopped and nothing failed', async () => {
    const { logger, lines } = capturingLogger();
    const { shutdown } = installShutdown(() => [{ name: 'a', run: async () => {} }], logger);
    await shutdown('SIGTERM');
    expect(lines.map((l) => l.msg)).toContain('stopped cleanly');
    expect(process.exitCode).toBe(0);
  });

  it('a process stopped because a service failed does not say "stopped cleanly", and exits 1', async () => {
    const { logger, lines } = capturingLogger();
    const stopped: string[] = [];
    const { shutdown } = installShutdown(
      () => [
        { name: 'mention sink', run: () => Promise.resolve(void stopped.push('mention sink')) },
        {
          name: 'dead-letter sink',
          run: () => Promise.resolve(void stopped.push('dead-letter sink')),
        },
      ],
      logger,
    );
    await shutdown('stage failed', { failure: true });
    expect(stopped).toEqual(['mention sink', 'dead-letter sink']);
    expect(lines.map((l) => l.msg)).not.toContain('stopped cleanly');
    expect(lines.find((l) => l.event === 'shutdown_done')).toMatchObject({ clean: false });
    expect(process.exitCode).toBe(1);
  });

  it('a failed stop step is not a clean stop either', async () => {
    const { logger, lines } = capturingLogger();
    const { shutdown } = installShutdown(
      () => [{ name: 'a', run: () => Promise.reject(new Error('commit failed')) }],
      logger,
    );
    await shutdown('SIGTERM');
    expect(lines.map((l) => l.msg)).not.toContain('stopped cleanly');
    expect(process.exitCode).toBe(1);
  });
});
