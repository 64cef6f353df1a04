/**
 * The service's logger: pino JSON lines (pretty on a developer's terminal), with secrets and email
 * bodies kept out. Two layers: every logged object is walked (eight levels deep, errors included)
 * and values under credential keys (tokens, keys, authorization/cookie headers, private keys) are
 * censored, as are email bodies unless the level is debug; then every written line loses known
 * secret values and token shapes wherever they hide (an error message, a URL). Each line can also
 * be copied to a log shipper.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are credentials, wherever they appear. */
export const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'privateKey',
  'private_key',
  'botToken',
  'appToken',
  'dsn',
] as const;

/** Keys that carry email content: shown only at debug level. */
export const BODY_KEYS = [
  'body',
  'bodyText',
  'bodyHtml',
  'text',
  'html',
  'raw',
  'snippet',
  'draft',
  'content',
] as const;

const DEBUG_LEVELS = new Set(['debug', 'trace']);
const MAX_DEPTH = 8;
const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const SECRET_KEY_SET = new Set(SECRET_KEYS.map(normalise));
const BODY_KEY_SET = new Set(BODY_KEYS.map(normalise));
/** `gmailRefreshToken`, `clientSecret`, `pushToken`…; not `input_tokens` or `tokenUrl`. */
const SECRET_SUFFIX = /(token|secret|password|apikey|privatekey|authorization|cookie|credentials)$/;
const kinds = new Map<string, 'secret' | 'body' | null>();

/** Whether a key holds a credential, an email body, or neither (any casing or separators). */
export function sensitiveKey(key: string): 'secret' | 'body' | null {
  let kind = kinds.get(key);
  if (kind === undefined) {
    const k = normalise(key);
    kind =
      SECRET_KEY_SET.has(k) || SECRET_SUFFIX.test(k)
        ? 'secret'
        : BODY_KEY_SET.has(k)
          ? 'body'
          : null;
    if (kinds.size < 10_000) kinds.set(key, kind);
  }
  return kind;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with credentials (and, unless `showBodies`, email bodies) censored; the same
 * reference when there was nothing to censor. Plain objects, arrays and errors are walked; other
 * class instances (dates, buffers) are left to pino.
 */
export function redactValue(value: unknown, showBodies = false, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = redactValue(item, showBodies, depth + 1);
      if (next === item) return;
      copy ??= [...value];
      copy[i] = next;
    });
    return copy ?? value;
  }
  // An error under any key: its message and stack, and its fields walked (SDK errors carry the
  // request, headers included).
  if (value instanceof Error)
    return redactValue({ ...pino.stdSerializers.err(value) }, showBodies, depth);
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const kind = item === undefined || item === null ? null : sensitiveKey(key);
    const next =
      kind === 'secret'
        ? '[redacted]'
        : kind === 'body' && !showBodies
          ? typeof item === 'string'
            ? `[redacted: ${item.length} chars]`
            : '[redacted]'
          : redactValue(item, showBodies, depth + 1);
    if (next === item) continue;
    copy ??= { ...value };
    copy[key] = next;
  }
  return copy ?? value;
}

/** [a substring every match contains (a cheap test first), the shape, its replacement]. */
const TOKEN_SHAPES: Array<[string, RegExp, string]> = [
  [
    'PRIVATE KEY',
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    '[redacted key]',
  ],
  ['earer', /\bBearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, 'Bearer [redacted]'],
  // Base64 credentials always have a digit, +, / or = somewhere; "Basic Information" does not.
  ['Basic', /\bBasic\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{6,}={0,2}/g, 'Basic [redacted]'],
  ['xox', /\bxox[a-z]-[A-Za-z0-9-]{6,}/g, '[redacted]'],
  ['xapp-', /\bxapp-[A-Za-z0-9-]{6,}/g, '[redacted]'],
  ['sk-ant-', /\bsk-ant-[A-Za-z0-9_-]{6,}/g, '[redacted]'],
  ['ya29.', /\bya29\.[A-Za-z0-9._-]{10,}/g, '[redacted]'],
  ['1//', /\b1\/\/[A-Za-z0-9_-]{10,}/g, '[redacted]'],
  [
    '=',
    /(?<=^|[?&\s"'#;])(token|access_token|refresh_token|id_token|key|api_key|sentry_key|code|client_secret)=[^&\s"'\\]+/gi,
    '$1=[redacted]',
  ],
  ['@', /(\/\/[^/\s:@"]+:)[^@\s/"]+@/g, '$1[redacted]@'],
];

/**
 * Removes every listed secret value (six characters or more) and anything shaped like a token,
 * a private key, a credential in a query string or in a URL's user part.
 */
export function scrubText(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  return createScrubber(secrets)(text);
}

/** `scrubText` with the secrets prepared once, for a hot path (every log line, every event). */
export function createScrubber(
  secrets: ReadonlyArray<string | undefined>,
): (text: string) => string {
  const forms = secrets
    .filter((s): s is string => Boolean(s && s.length >= 6))
    // Also the value as it appears inside a JSON string (quotes, backslashes, newlines escaped).
    .flatMap((s) => [...new Set([s, JSON.stringify(s).slice(1, -1)])]);
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join('[redacted]');
    for (const [trigger, pattern, replacement] of TOKEN_SHAPES)
      if (out.includes(trigger)) out = out.replace(pattern, replacement);
    return out;
  };
}

export interface LoggerOptions {
  /** LOG_LEVEL (default info). */
  level?: string;
  /** Where JSON lines go (default stdout). Given a destination, output is never pretty. */
  destination?: DestinationStream;
  /** Human-readable lines; default: stdout is a terminal and `environment` is not production. */
  pretty?: boolean;
  /** NODE_ENV. */
  environment?: string;
  /** Show email bodies; default only when the level is debug or trace. */
  showBodies?: boolean;
  /** Secret values (the config's) removed from every line wherever they appear. */
  secrets?: ReadonlyArray<string | undefined>;
  /** Also receives every JSON line (after scrubbing), e.g. a log shipper. Must not throw. */
  ship?: { write(line: string): void };
}

/** JSON lines on stdout (or the given stream); secrets, tokens and email bodies are redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const showBodies = options.showBodies ?? DEBUG_LEVELS.has(level);
  const scrub = createScrubber(options.secrets ?? []);
  const redact = (value: object) => redactValue(value, showBodies) as Record<string, unknown>;
  return pino(
    {
      level,
      base: { service: 'negotiator' },
      formatters: { log: redact, bindings: redact },
      serializers: { err: (error: unknown) => redactValue(error, showBodies) },
      hooks: { streamWrite: scrub },
    },
    destinationFor(options),
  );
}

function destinationFor(options: LoggerOptions): DestinationStream | undefined {
  const pretty =
    options.destination === undefined &&
    (options.pretty ?? (process.stdout.isTTY === true && options.environment !== 'production'));
  const primary =
    options.destination ??
    (pretty ? prettyStream(process.stdout) : options.ship ? pino.destination(1) : undefined);
  const ship = options.ship;
  if (!ship || !primary) return primary;
  return {
    write(line: string) {
      primary.write(line);
      try {
        ship.write(line);
      } catch {
        // Shipping is best effort: it must never take logging down with it.
      }
    },
  };
}

const LEVEL_NAMES: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** One JSON line as `12:00:00.123 INFO  message key=value …` (plus the stack of an error). */
export function prettyLine(line: string, colors = true): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const { level, time, msg, pid: _pid, hostname: _host, service: _service, err, ...rest } = entry;
  const [name, color] = LEVEL_NAMES[Number(level)] ?? ['LOG  ', ''];
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const paint = (code: string, text: string) => (colors && text ? `${code}${text}${RESET}` : text);
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  const trace = typeof stack === 'string' ? `\n    ${stack.replace(/\n/g, '\n    ')}` : '';
  return `${paint(DIM, at)} ${paint(color, name)} ${String(msg ?? '')}${fields ? ` ${paint(DIM, fields)}` : ''}${trace}\n`;
}

function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  const colors = (out as { isTTY?: boolean }).isTTY === true;
  return { write: (line: string) => void out.write(prettyLine(line, colors)) };
}

/** A logger that drops everything: for tests and tools that print their own output. */
export const silentLogger: Logger = pino({ level: 'silent' });
