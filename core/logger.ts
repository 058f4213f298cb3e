import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs with a stable snake_case `event` field and ids, never mention text.
 * `LOG_LEVEL` picks the level; `LOG_PRETTY=1` (default on a TTY) prints readable lines.
 */
export function createLogger(options: { name: string; level?: string; pretty?: boolean }): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? false;
  return pino({
    name: options.name,
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' },
          },
        }
      : {}),
  });
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
