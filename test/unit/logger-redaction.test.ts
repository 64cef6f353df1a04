/**
 * What the logger and the Sentry scrubber let out: no credential by key or by shape, no
 * configured secret value anywhere in a line, and email bodies only at debug level.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  createScrubber,
  prettyLine,
  scrubText,
} from '../../src/observability/logger.js';
import { scrubEvent } from '../../src/observability/sentry.js';

const BOT = 'xoxb-1111-2222-abcdefABCDEF';
const REFRESH = '1//0gLongRefreshTokenValue_abc';
const API_KEY = 'sk-ant-api03-verysecretkeyvalue';
const PLAIN_SECRET = 'plain-secret-without-shape-42';
const BODY = 'Hi team, my rate for two reels is $4,200. Best, Mia';
const PEM = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (l) => void lines.push(l) } });
  return { logger, lines, text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('censors credentials by key at every depth it covers, and leaves the rest', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: 'a-token-value',
        req: {
          headers: { authorization: 'Bearer abcdefgh', cookie: 'sid=abcdef', 'x-api-key': 'k' },
        },
        google: { oauth: { refresh_token: 'r-value', private_key: 'p-value' } },
        gmail: { credentials: { anything: 'c-value' }, nextPushToken: 'n-value' },
        a: { b: { c: { d: { e: { f: { apiKey: 'deep-value' } } } } } },
        usage: { input_tokens: 1200, output_tokens: 300 },
        list: [{ token: 'in-array' }],
        negotiationId: 'neg_1',
      },
      'call made',
    );
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry.token).toBe('[redacted]');
    expect(entry.req.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
    });
    expect(entry.google.oauth).toEqual({
      refresh_token: '[redacted]',
      private_key: '[redacted]',
    });
    expect(entry.gmail).toEqual({ credentials: '[redacted]', nextPushToken: '[redacted]' });
    expect(entry.a.b.c.d.e.f.apiKey).toBe('[redacted]');
    expect(entry.usage).toEqual({ input_tokens: 1200, output_tokens: 300 });
    expect(entry.list).toEqual([{ token: '[redacted]' }]);
    expect(entry.negotiationId).toBe('neg_1');
    expect(entry.msg).toBe('call made');
  });

  it('censors what an SDK error carries, and does not touch the logged object', () => {
    const { logger, text } = capture();
    const error = Object.assign(new Error('Request failed with status code 401'), {
      config: {
        url: 'https://gmail.googleapis.com/x',
        headers: { Authorization: 'Bearer ya29.a0AfH6SMBexample', 'x-goog-api-key': 'opaque-77' },
      },
    });
    const fields = { err: error, mail: { bodyText: BODY } };
    logger.error(fields, 'gmail failed');
    logger.error({ cause: { error } }, 'an error under another key');
    expect(text()).not.toContain('ya29.a0AfH6SMBexample');
    expect(text()).not.toContain('opaque-77');
    expect(text().match(/Request failed with status code 401/g)?.length).toBeGreaterThanOrEqual(2);
    expect(fields.mail.bodyText).toBe(BODY);
    expect(error.config.headers.Authorization).toBe('Bearer ya29.a0AfH6SMBexample');
  });

  it('hides email bodies at info and shows them at debug', () => {
    const info = capture({ level: 'info' });
    info.logger.info({ email: { bodyText: BODY, subject: 'Rates' }, raw: BODY }, 'email received');
    const entry = JSON.parse(info.lines[0] ?? '{}');
    expect(entry.email.bodyText).toBe(`[redacted: ${BODY.length} chars]`);
    expect(entry.email.subject).toBe('Rates');
    expect(entry.raw).toBe(`[redacted: ${BODY.length} chars]`);
    expect(info.text()).not.toContain('$4,200');

    const debug = capture({ level: 'debug' });
    debug.logger.debug({ email: { bodyText: BODY } }, 'email received');
    expect(JSON.parse(debug.lines[0] ?? '{}').email.bodyText).toBe(BODY);
  });

  it('removes configured secret values and token shapes wherever they appear', () => {
    const { logger, text } = capture({ secrets: [PLAIN_SECRET, undefined, 'short'] });
    logger.error({ err: new Error(`Slack refused ${BOT} and ${PLAIN_SECRET}`) }, 'post failed');
    logger.warn(`retrying with ${REFRESH} and ${API_KEY}`);
    logger.warn({ url: 'https://push.example/webhooks/gmail?token=s3cr3tvalue&x=1' }, 'push');
    logger.warn({ dsn: 'n/a', target: 'https://user:hunter2pass@logs.example/push' }, 'ship');
    logger.warn({ note: `key follows ${PEM}` }, 'pem');
    const out = text();
    for (const secret of [BOT, PLAIN_SECRET, REFRESH, API_KEY, 's3cr3tvalue', 'hunter2pass'])
      expect(out).not.toContain(secret);
    expect(out).not.toContain('PRIVATE KEY-----\\n');
    expect(out).toContain('token=[redacted]&x=1');
    expect(out).toContain('[redacted key]');
    expect(out).toContain('Slack refused');
  });

  it('keeps the old call shape and respects the level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.info('not shown');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ service: 'negotiator', msg: 'shown' });
  });

  it('hands the same scrubbed JSON line to a shipper', () => {
    const shipped: string[] = [];
    const { logger, lines } = capture({
      secrets: [PLAIN_SECRET],
      ship: { write: (l) => shipped.push(l) },
    });
    logger.info({ detail: PLAIN_SECRET }, 'copied');
    expect(shipped).toEqual(lines);
    expect(shipped[0]).not.toContain(PLAIN_SECRET);
  });

  it('keeps logging when the shipper throws', () => {
    const { logger, lines } = capture({
      ship: {
        write() {
          throw new Error('shipper broken');
        },
      },
    });
    logger.info('still logged');
    expect(lines).toHaveLength(1);
  });

  it('prints a readable line for a terminal', () => {
    const line = JSON.stringify({
      level: 50,
      time: Date.UTC(2026, 0, 1, 9, 30),
      msg: 'send failed',
      negotiationId: 'neg_1',
      err: { stack: 'Error: x\n    at y' },
    });
    const pretty = prettyLine(line, false);
    expect(pretty).toBe(
      '09:30:00.000 ERROR send failed negotiationId=neg_1\n    Error: x\n        at y\n',
    );
    expect(prettyLine('not json', false)).toBe('not json\n');
  });

  it('scrubText leaves ordinary words alone', () => {
    const text = 'Basic Information page, 3 tokens used, key rotation due';
    expect(scrubText(text)).toBe(text);
  });
});

describe('Sentry event scrubbing', () => {
  it('drops bodies and cookies, censors headers and query secrets, promotes log context to tags', () => {
    const event = scrubEvent(
      {
        message: `failed with ${PLAIN_SECRET}`,
        exception: { values: [{ type: 'Error', value: `Slack refused ${BOT}` }] },
        request: {
          url: 'http://127.0.0.1/webhooks/gmail?token=pushsecret123',
          query_string: 'token=pushsecret123',
          headers: { Authorization: 'Bearer abcdefgh', 'user-agent': 'curl' },
          cookies: { sid: 'abc' },
          data: { message: { data: 'base64mail' } },
        },
        contexts: {
          pino: { negotiationId: 'neg_3', effectKind: 'sendEmail', body: BODY, html: '<p>x</p>' },
        },
        breadcrumbs: [{ message: `GET https://x.test/?key=${API_KEY}` }],
        tags: { effect_kind: 'kept' },
      },
      createScrubber([PLAIN_SECRET]),
    );
    const json = JSON.stringify(event);
    for (const secret of [
      PLAIN_SECRET,
      BOT,
      'pushsecret123',
      'abcdefgh',
      'base64mail',
      BODY,
      API_KEY,
    ])
      expect(json).not.toContain(secret);
    expect(event.request?.data).toBeUndefined();
    expect(event.request?.cookies).toBeUndefined();
    expect(event.request?.headers?.['user-agent']).toBe('curl');
    expect(event.tags).toEqual({ negotiation_id: 'neg_3', effect_kind: 'kept' });
  });
});
