import type { StageRunner } from '../stage-runner.ts';
import type { Service } from './services.ts';

/**
 * A stage runner as a service: started in the background (its consumer start is retried like
 * any dependency), a stage that stops on an error fails the process, health is the consumer's.
 */
export function stageService<In, Out>(id: string, runner: StageRunner<In, Out>): Service {
  let running: Promise<void> | null = null;
  return {
    id,
    start(ctx) {
      running = runner.run();
      running.catch((error: unknown) => ctx.fail(error));
      return Promise.resolve();
    },
    async stop() {
      await runner.stop();
      await running?.catch(() => undefined); // a failure was reported through ctx.fail
    },
    health: () => runner.health(),
  };
}
