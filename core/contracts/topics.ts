/** Kafka topics. A breaking contract change is a new version suffix, never an in-place edit. */
export const Topics = {
  raw: 'mentions.raw.v1',
  enriched: 'mentions.enriched.v1',
} as const;

/** Dead letters of a topic: the original bytes plus the reason, nothing dropped silently. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Whether `topic` is itself a dead-letter topic. */
export function isDlqTopic(topic: string): boolean {
  return topic.endsWith('.dlq');
}
