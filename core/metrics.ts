import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of this process, served on `/metrics` of its ops port (every role,
 * `core/runtime/ops-server.ts`) and of the API's port. Names follow Prometheus conventions; labels are low-cardinality.
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
  consumerLag: new Gauge({
    name: 'earshot_consumer_lag',
    help: 'Messages between the last batch a consumer handled and the end of its partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  }),
  consumerLastLoop: new Gauge({
    name: 'earshot_consumer_last_loop_timestamp_seconds',
    help: "When a consumer's loop last went round (a fetch or an idle wait), Unix seconds",
    labelNames: ['group'] as const,
    registers: [registry],
  }),
  consumerPartitions: new Gauge({
    name: 'earshot_consumer_assigned_partitions',
    help: 'Partitions assigned to this member of the consumer group',
    labelNames: ['group'] as const,
    registers: [registry],
  }),
  sentimentScored: new Counter({
    name: 'earshot_stage_sentiment_scored_total',
    help: 'Mentions the enrich stage gave a sentiment, by the tier that scored it (fast, accurate, or given: a label the mention came with)',
    labelNames: ['stage', 'tier'] as const,
    registers: [registry],
  }),
  alertEvaluationSeconds: new Histogram({
    name: 'earshot_alert_evaluation_duration_seconds',
    help: 'Time to evaluate every alert rule once (one scheduled tick)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
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
