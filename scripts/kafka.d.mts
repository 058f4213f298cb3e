/** Types of scripts/kafka.mjs (a plain ESM script so `npm run kafka:up` needs no TypeScript). */
export class KafkaSetupError extends Error {}
export function checkPrerequisites(): void;
export function ensureKafka(options?: {
  port?: number;
  fresh?: boolean;
  log?: (line: string) => void;
  timeoutMs?: number;
}): Promise<{ brokers: string[]; startedHere: boolean; startMs: number }>;
export function stopKafka(options?: { port?: number; timeoutMs?: number }): Promise<boolean>;
