import { describeError } from '../errors.ts';
import { installShutdown } from '../lifecycle.ts';
import type { Logger } from '../logger.ts';

/**
 * A process is a list of services. `runServices` starts them in list order and stops them in
 * the reverse order, so the order is written once, as the list: what others depend on comes
 * first (the store, the bus), consumers before what feeds them, listeners last.
 */
export interface Service {
  readonly id: string;
  /**
   * Resolves once the service runs. Work that goes on (a consumer loop) runs in the
   * background and reports a later failure through `ctx.fail`. A start that throws must leave
   * nothing of itself running.
   */
  start(ctx: ServiceContext): Promise<void>;
  /** Stop, finishing the work in flight. Called once, only for a service that started. */
  stop(): Promise<void>;
  /** What readiness and the ops port report for this service; ready when absent. */
  health?(): ServiceHealth | Promise<ServiceHealth>;
}

export interface ServiceContext {
  /** The service failed for good: the process stops every service and exits 1. */
  fail(error: unknown): void;
}

export interface ServiceHealth {
  /** Doing its job: a consumer assigned, a listener open, a dependency answering. */
  ready: boolean;
  /** For operators: time of the last loop, lag, partitions, the error of a failed probe. */
  detail?: Record<string, unknown>;
}

export interface ProcessHealth {
  /** `starting` until every service started; `stopping` once shutdown began. */
  state: 'starting' | 'running' | 'stopping' | 'failed';
  /** Every service started, none failed, none stopping, and each reports ready. */
  ready: boolean;
  /** No service failed (the process is worth keeping). */
  live: boolean;
  services: Record<string, ServiceHealth>;
}

export interface RunningServices {
  health(): Promise<ProcessHealth>;
  /** Every service started and the process is not stopping (cheap; no probes). */
  started(): boolean;
  shutdown(reason: string, options?: { failure?: boolean }): Promise<void>;
}

export interface RunServicesOptions {
  logger: Logger;
  /** Whole-shutdown budget before the process exits 1. */
  shutdownTimeoutMs?: number;
  /** A probe that takes longer counts as not ready. */
  healthTimeoutMs?: number;
  /** Stop on SIGTERM/SIGINT (default true). Tests turn it off. */
  signals?: boolean;
}

/**
 * Holds the process's services: `health()` can be handed to a service (the ops port, the API's
 * readiness) before they start, and answers "starting" until `run` finished.
 */
export class ServiceSet implements RunningServices {
  private readonly services: Service[] = [];
  private readonly started_: Service[] = [];
  private state: ProcessHealth['state'] = 'starting';
  private failure: unknown = null;
  private stopper: ((reason: string, options?: { failure?: boolean }) => Promise<void>) | null =
    null;

  constructor(private readonly options: RunServicesOptions) {}

  started(): boolean {
    return this.state === 'running';
  }

  async health(): Promise<ProcessHealth> {
    const timeoutMs = this.options.healthTimeoutMs ?? 2_000;
    const entries = await Promise.all(
      this.services.map(async (s): Promise<[string, ServiceHealth]> => {
        if (!this.started_.includes(s))
          return [s.id, { ready: false, detail: { state: 'not started' } }];
        if (!s.health) return [s.id, { ready: true }];
        try {
          return [s.id, await withTimeout(Promise.resolve(s.health()), timeoutMs)];
        } catch (error) {
          return [s.id, { ready: false, detail: { error: describeError(error) } }];
        }
      }),
    );
    const services = Object.fromEntries(entries);
    return {
      state: this.state,
      ready: this.state === 'running' && entries.every(([, h]) => h.ready),
      live: this.state !== 'failed' && this.failure === null,
      services,
    };
  }

  shutdown(reason: string, options: { failure?: boolean } = {}): Promise<void> {
    if (!this.stopper) throw new Error('shutdown before run');
    return this.stopper(reason, options);
  }

  /**
   * Start every service in order. If one fails to start, the started ones stop in reverse
   * order and the error is rethrown: a process never runs half its services. A service that
   * fails later stops all of them, and the process exits 1.
   */
  async run(services: Service[]): Promise<RunningServices> {
    const { logger } = this.options;
    const ids = new Set<string>();
    for (const s of services) {
      if (ids.has(s.id)) throw new Error(`two services named ${s.id}`);
      ids.add(s.id);
    }
    this.services.push(...services);
    const { shutdown } = installShutdown(
      () => [
        {
          name: 'not ready',
          run: () => Promise.resolve(void (this.state = this.failure ? 'failed' : 'stopping')),
        },
        ...[...this.started_].reverse().map((s) => ({ name: `stop ${s.id}`, run: () => s.stop() })),
      ],
      logger,
      this.options.shutdownTimeoutMs ?? 30_000,
      { signals: this.options.signals ?? true },
    );
    this.stopper = shutdown;
    const ctx = (s: Service): ServiceContext => ({
      fail: (error) => {
        if (this.failure !== null || this.state === 'stopping') {
          // Stopping already: a service that ends badly now is reported, not a new cause.
          if (this.state !== 'stopping')
            logger.error({ event: 'service_failed', service: s.id, err: describeError(error) });
          return;
        }
        this.failure = error;
        logger.error({ event: 'service_failed', service: s.id, err: describeError(error) });
        if (this.state === 'running') void shutdown(`${s.id} failed`, { failure: true });
        // While starting, the start loop sees the failure after the current start returns.
      },
    });
    for (const s of services) {
      // Told to stop while starting (a signal): start nothing more; shutdown stops the rest.
      if (this.state !== 'starting') return this;
      try {
        await s.start(ctx(s));
        this.started_.push(s);
        if (this.state !== 'starting' && this.failure === null) {
          // The shutdown's list was taken before this one started: stop it here.
          await s
            .stop()
            .catch((error: unknown) =>
              logger.warn({ event: 'service_stop_failed', service: s.id, err: error }),
            );
          return this;
        }
        logger.debug({ event: 'service_started', service: s.id });
      } catch (error) {
        this.failure ??= error;
      }
      if (this.failure !== null) {
        this.state = 'failed';
        logger.error(
          { event: 'startup_failed', service: s.id, err: describeError(this.failure) },
          'a service failed to start; stopping the others',
        );
        for (const started of [...this.started_].reverse()) {
          try {
            await started.stop();
          } catch (stopError) {
            logger.warn({ event: 'startup_undo_failed', service: started.id, err: stopError });
          }
        }
        this.started_.length = 0;
        throw this.failure instanceof Error ? this.failure : new Error(describeError(this.failure));
      }
    }
    this.state = 'running';
    return this;
  }
}

/** `new ServiceSet(options).run(services)`, for a process that needs no health before it starts. */
export function runServices(
  services: Service[],
  options: RunServicesOptions,
): Promise<RunningServices> {
  return new ServiceSet(options).run(services);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
