import type { Logger } from './logger.ts';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Graceful shutdown on SIGTERM/SIGINT, in the order given (docs/architecture.md, "Delivery"):
 * not ready → stop schedulers and listeners → stop consumers (the batch in flight finishes) →
 * flush producers → close stores → exit 0. A second signal or the timeout exits 1.
 */
export function installShutdown(
  steps: () => ShutdownStep[],
  logger: Logger,
  timeoutMs = 30_000,
  options: { signals?: boolean } = {},
): { shutdown: (reason: string, options?: { failure?: boolean }) => Promise<void> } {
  let shuttingDown: Promise<void> | null = null;

  /** `failure`: a service failed for good; the process stops all the others and exits 1. */
  const shutdown = (reason: string, options: { failure?: boolean } = {}): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info({ event: 'shutdown_started', reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ event: 'shutdown_timeout', timeoutMs }, 'shutdown took too long; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      let failed = false;
      for (const step of steps()) {
        try {
          await step.run();
          logger.debug({ event: 'shutdown_step_done', step: step.name });
        } catch (error) {
          failed = true;
          logger.error({ event: 'shutdown_step_failed', step: step.name, err: error });
        }
      }
      clearTimeout(timer);
      // "stopped cleanly" only when it did: a process stopped because a service failed, or
      // whose stop steps failed, says so (a half-stopped sink once logged it).
      if (failed || options.failure) {
        logger.error({ event: 'shutdown_done', clean: false, reason }, 'stopped after a failure');
        process.exitCode = 1;
      } else {
        logger.info({ event: 'shutdown_done', clean: true }, 'stopped cleanly');
        process.exitCode = process.exitCode ?? 0;
      }
    })();
    return shuttingDown;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ event: 'shutdown_forced', signal }, 'second signal: exiting now');
      process.exit(1);
    }
    void shutdown(signal);
  };
  if (options.signals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { shutdown };
}
