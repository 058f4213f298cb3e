/** Types of scripts/kafka.mjs (a plain ESM script so `npm run kafka:up` needs no TypeScript). */
export class KafkaSetupError extends Error {}
export function checkPrerequisites(): void;
export function newClusterId(): string;
export function ensureKafka(options?: {
  port?: number;
  fresh?: boolean;
  log?: (line: string) => void;
  timeoutMs?: number;
  /** Mark a broker started here as the tests': the last lease released stops it. */
  autoStop?: boolean;
}): Promise<{ brokers: string[]; startedHere: boolean; startMs: number }>;
export function withStartLock<T>(
  options: { port?: number; pid?: number; timeoutMs?: number },
  fn: () => Promise<T>,
): Promise<T>;
export function stopKafka(options?: { port?: number; timeoutMs?: number }): Promise<boolean>;
export function takeKafkaLease(options?: { port?: number; pid?: number }): void;
export function releaseKafkaLease(options?: { port?: number; pid?: number }): Promise<boolean>;
export function shouldStopBroker(state: { liveLeases: number; startedByTests: boolean }): boolean;
