import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout (or the given stream); secrets and tokens are redacted. */
export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'negotiator' },
      redact: {
        paths: [
          '*.authorization',
          '*.token',
          '*.apiKey',
          '*.password',
          '*.secret',
          '*.refreshToken',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

/** A logger that drops everything: for tests and tools that print their own output. */
export const silentLogger: Logger = pino({ level: 'silent' });
