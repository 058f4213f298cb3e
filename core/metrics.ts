import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of this process, served on `/metrics` by the API (and scraped from each
 * role in production). Names follow Prometheus conventions; labels are low-cardinality.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'earshot_' });

export const metrics = {
  messagesConsumed: new Counter({
    name: 'earshot_stage_messages_consumed_total',
    help: 'Messages consumed by a stage',
    labelNames: ['stage'] as const,
    registers: [registry],
  }),
  messagesDelivered: new Counter({
    name: 'earshot_stage_messages_delivered_total',
    help: 'Outputs a stage produced or stored',
    labelNames: ['stage'] as const,
    registers: [registry],
  }),
  deadLetters: new Counter({
    name: 'earshot_stage_dead_letters_total',
    help: 'Messages a stage sent to the dead-letter topic',
    labelNames: ['stage'] as const,
    registers: [registry],
  }),
  batchSeconds: new Histogram({
    name: 'earshot_stage_batch_duration_seconds',
    help: 'Time to handle one consumed batch, delivery included',
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  httpSeconds: new Histogram({
    name: 'earshot_http_request_duration_seconds',
    help: 'API request latency',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
};
