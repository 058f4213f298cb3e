import { startAlerting } from '../../alerts/index.ts';
import type { Service } from '../../core/runtime/services.ts';
import type { Runtime } from '../runtime.ts';

/** The alerts role: rule evaluation and the digest on their schedules (one per deployment). */
export function alertsServices(rt: Runtime): Service[] {
  let alerting: { stop(): Promise<void> } | null = null;
  return [
    {
      id: 'alerts',
      start() {
        alerting = startAlerting({ store: rt.store, config: rt.config, logger: rt.logger });
        return Promise.resolve();
      },
      stop: async () => await alerting?.stop(),
    },
  ];
}
