/**
 * The Pub/Sub push envelope that carries a Gmail notification, validated with zod:
 *
 *   {"message":{"data":"<base64 of {emailAddress, historyId}>","messageId":"…","publishTime":"…",
 *    "attributes":{}},"subscription":"projects/…/subscriptions/…"}
 *
 * Pub/Sub sends both `messageId` and `message_id` (and both publish-time spellings); either is
 * accepted. `historyId` arrives as a number or a numeric string and leaves as a decimal string.
 */
import { z } from 'zod';

/** What the webhook hands to `record`: enough to find the mailbox and deduplicate redeliveries. */
export interface MailboxChange {
  emailAddress: string;
  historyId: string;
  pubsubMessageId: string;
  publishTime?: string;
}

export type ParsedPush = { ok: true; change: MailboxChange } | { ok: false; problem: string };

const envelopeSchema = z.object({
  message: z.object({
    data: z.string().min(1),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().min(1).optional(),
    publish_time: z.string().min(1).optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().min(1),
});

const notificationSchema = z.object({
  emailAddress: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'not an email address'),
  historyId: z.union([
    z
      .number()
      .int()
      .nonnegative()
      .refine(Number.isSafeInteger, 'too large to be exact')
      .transform(String),
    z.string().regex(/^\d+$/, 'not a decimal number'),
  ]),
});

/** Base64 in either alphabet (Pub/Sub uses the standard one), optionally padded. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function parseGmailPush(text: string): ParsedPush {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'body is not JSON' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, problem: describe('envelope', envelope.error) };
  const { message } = envelope.data;
  const messageId = message.messageId ?? message.message_id;
  if (!messageId) return { ok: false, problem: 'envelope: message.messageId is required' };
  if (!BASE64.test(message.data) || message.data.replace(/=+$/, '').length % 4 === 1) {
    return { ok: false, problem: 'message.data is not base64' };
  }

  let payload: unknown;
  try {
    const decoded = Buffer.from(message.data, 'base64');
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decoded));
  } catch {
    return { ok: false, problem: 'message.data is not base64 of JSON' };
  }
  const notification = notificationSchema.safeParse(payload);
  if (!notification.success) return { ok: false, problem: describe('data', notification.error) };

  const publishTime = message.publishTime ?? message.publish_time;
  return {
    ok: true,
    change: {
      emailAddress: notification.data.emailAddress,
      historyId: notification.data.historyId,
      pubsubMessageId: messageId,
      ...(publishTime ? { publishTime } : {}),
    },
  };
}

/** The first issue only, with its path: short enough for a 400 body and a log line. */
function describe(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
  return `${where}${path}: ${issue?.message ?? 'invalid'}`;
}
