import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runServices, ServiceSet, type Service, type ServiceContext } from './services.ts';

function capturingLogger() {
  const lines: Array<{ msg?: string; event?: string; service?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A service that records its starts and stops in `log`. */
function recorded(
  id: string,
  log: string[],
  options: {
    failStart?: boolean;
    ready?: () => boolean;
    onStart?: (ctx: ServiceContext) => void;
  } = {},
): Service {
  return {
    id,
    start: async (ctx) => {
      await Promise.resolve();
      if (options.failStart) throw new Error(`${id} cannot start`);
      log.push(`start ${id}`);
      options.onStart?.(ctx);
    },
    stop: async () => {
      await Promise.resolve();
      log.push(`stop ${id}`);
    },
    ...(options.ready ? { health: () => ({ ready: options.ready!(), detail: { id } }) } : {}),
  };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('runServices', () => {
  it('starts in list order and stops in the reverse order', async () => {
    const { logger, lines } = capturingLogger();
    const log: string[] = [];
    const running = await runServices(
      ['store', 'bus', 'sink', 'api'].map((id) => recorded(id, log)),
      { logger, signals: false },
    );
    expect(log).toEqual(['start store', 'start bus', 'start sink', 'start api']);
    await running.shutdown('test');
    expect(log.slice(4)).toEqual(['stop api', 'stop sink', 'stop bus', 'stop store']);
    expect(lines.map((l) => l.msg)).toContain('stopped cleanly');
    expect(process.exitCode).toBe(0);
  });

  it('a service that fails to start stops the started ones in reverse and rethrows; later ones never start', async () => {
    const { logger, lines } = capturingLogger();
    const log: string[] = [];
    await expect(
      runServices(
        [
          recorded('store', log),
          recorded('bus', log),
          recorded('api', log, { failStart: true }),
          recorded('alerts', log),
        ],
        { logger, signals: false },
      ),
    ).rejects.toThrow('api cannot start');
    expect(log).toEqual(['start store', 'start bus', 'stop bus', 'stop store']);
    expect(lines.find((l) => l.event === 'startup_failed')?.service).toBe('api');
    expect(lines.map((l) => l.msg)).not.toContain('stopped cleanly');
  });

  it('a service that fails while the others start stops all of them (no half process)', async () => {
    const { logger } = capturingLogger();
    const log: string[] = [];
    await expect(
      runServices(
        [
          recorded('sink', log, { onStart: (ctx) => ctx.fail(new Error('topic gone')) }),
          recorded('enrich', log),
        ],
        { logger, signals: false },
      ),
    ).rejects.toThrow('topic gone');
    expect(log).toEqual(['start sink', 'stop sink']);
  });

  it('a service that fails after start stops every service, logs no "stopped cleanly", exit code 1', async () => {
    const { logger, lines } = capturingLogger();
    const log: string[] = [];
    let fail: (e: unknown) => void = () => undefined;
    const running = await runServices(
      [
        recorded('store', log),
        recorded('sink', log, { onStart: (ctx) => (fail = (e) => ctx.fail(e)) }),
        recorded('api', log),
      ],
      { logger, signals: false },
    );
    fail(new Error('insert failed for good'));
    await running.shutdown('again'); // the same shutdown, already under way
    expect(log.slice(3)).toEqual(['stop api', 'stop sink', 'stop store']);
    expect(lines.map((l) => l.msg)).toContain('stopped after a failure');
    expect(lines.map((l) => l.msg)).not.toContain('stopped cleanly');
    expect(process.exitCode).toBe(1);
    expect((await running.health()).live).toBe(false);
  });

  it('a stop that throws makes the shutdown unclean but still stops the rest', async () => {
    const { logger, lines } = capturingLogger();
    const log: string[] = [];
    const bad: Service = {
      id: 'bus',
      start: () => Promise.resolve(),
      stop: () => Promise.reject(new Error('flush failed')),
    };
    const running = await runServices([recorded('store', log), bad, recorded('api', log)], {
      logger,
      signals: false,
    });
    await running.shutdown('SIGTERM');
    expect(log).toEqual(['start store', 'start api', 'stop api', 'stop store']);
    expect(lines.map((l) => l.msg)).toContain('stopped after a failure');
    expect(process.exitCode).toBe(1);
  });

  it('refuses two services with one id', async () => {
    const { logger } = capturingLogger();
    await expect(
      runServices([recorded('a', []), recorded('a', [])], { logger, signals: false }),
    ).rejects.toThrow('two services named a');
  });
});

describe('health', () => {
  it('is ready only when every service started and reports ready; details per service', async () => {
    const { logger } = capturingLogger();
    let assigned = false;
    const set = new ServiceSet({ logger, signals: false });
    const before = await set.health();
    expect(before).toMatchObject({ state: 'starting', ready: false, live: true });
    await set.run([
      recorded('store', [], { ready: () => true }),
      recorded('sink', [], { ready: () => assigned }),
      recorded('api', []),
    ]);
    const waiting = await set.health();
    expect(waiting.ready).toBe(false);
    expect(waiting.services.sink).toEqual({ ready: false, detail: { id: 'sink' } });
    expect(waiting.services.api).toEqual({ ready: true });
    assigned = true;
    expect((await set.health()).ready).toBe(true);
    await set.shutdown('SIGTERM');
    expect(await set.health()).toMatchObject({ state: 'stopping', ready: false, live: true });
  });

  it('a probe that throws or does not answer in time counts as not ready, with the reason', async () => {
    const { logger } = capturingLogger();
    const set = new ServiceSet({ logger, signals: false, healthTimeoutMs: 50 });
    await set.run([
      {
        id: 'store',
        start: () => Promise.resolve(),
        stop: () => Promise.resolve(),
        health: () => Promise.reject(new Error('connection refused')),
      },
      {
        id: 'bus',
        start: () => Promise.resolve(),
        stop: () => Promise.resolve(),
        health: () => new Promise(() => undefined),
      },
    ]);
    const h = await set.health();
    expect(h.ready).toBe(false);
    expect(JSON.stringify(h.services.store)).toContain('connection refused');
    expect(JSON.stringify(h.services.bus)).toContain('no answer within 50 ms');
    await set.shutdown('test');
  });
});
