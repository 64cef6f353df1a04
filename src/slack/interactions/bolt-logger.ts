/**
 * Bolt's and the Socket Mode client's logs, routed to our pino logger. Their messages are plain
 * strings that may carry a token or a Socket Mode ticket (the connection URL), so those are
 * masked; Bolt asking for a chattier level never makes it louder than our own logger.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';

const SECRETS = [
  /\bxox[a-z]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  /\bticket=[^&\s"']+/g,
  /\bBearer\s+[A-Za-z0-9._-]+/gi,
];

export function maskSecrets(text: string): string {
  return SECRETS.reduce((masked, pattern) => masked.replace(pattern, '[redacted]'), text);
}

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

function text(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.message;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}

/** `source` names the part of the SDK logging ("bolt", "socket-mode"). */
export function createBoltLogger(logger: Logger, source: string): BoltLogger {
  const base = logger.child({ component: 'slack', source });
  let level: LogLevel = LogLevel.INFO;
  const emit =
    (method: LogLevel) =>
    (...parts: unknown[]): void => {
      if (ORDER.indexOf(method) < ORDER.indexOf(level)) return;
      const error = parts.find((p): p is Error => p instanceof Error);
      const message = maskSecrets(parts.map(text).join(' '));
      // The message already carries the error's text, masked; its stack could carry a token.
      const fields = error ? { errorName: error.name } : {};
      base[method](fields, message);
    };
  return {
    debug: emit(LogLevel.DEBUG),
    info: emit(LogLevel.INFO),
    warn: emit(LogLevel.WARN),
    error: emit(LogLevel.ERROR),
    // Bolt's level filters first, then our logger's own: Bolt asking for debug never floods it.
    setLevel(wanted) {
      level = wanted;
    },
    getLevel: () => level,
    // The SDK renames a shared logger per client; `source` already says where lines come from.
    setName() {},
  };
}
