/**
 * Service alerts in Slack: the model is out of reach, the Gmail watch could not be renewed, an
 * effect was given up on, the sheet changed. The same alert (by key, else by text) is posted at
 * most once per quiet period, and an alert never fails its caller: a post that fails is logged.
 */
import type { ChatPort } from '../adapters/slack/chat.js';
import type { Logger } from '../observability/logger.js';
import { type AlertKind, serviceAlertMessage } from './blocks/service-alert.js';

/** `metadata.event_type` of service alerts. */
export const ALERT_EVENT_TYPE = 'negotiator_alert';

const QUIET_MS = 30 * 60_000;
/** Distinct alerts remembered at once; the oldest are forgotten first. */
const MAX_REMEMBERED = 1000;

export interface SlackAlertsDeps {
  chat: ChatPort;
  channel: string;
  logger: Logger;
  now: () => number;
  mentions?: readonly string[];
  /** How long the same alert stays quiet after it was posted; default 30 minutes. */
  quietMs?: number;
}

export interface AlertOptions {
  /** What makes two alerts the same one ("model:writing", "gmail:watch"); default: the text. */
  key?: string;
  kind?: AlertKind;
}

export function createSlackAlerts(deps: SlackAlertsDeps) {
  const quietMs = deps.quietMs ?? QUIET_MS;
  /** Alert key → when it was last posted (or is being posted). */
  const posted = new Map<string, number>();

  function forgetOld(now: number): void {
    for (const [key, at] of posted) if (now - at >= quietMs) posted.delete(key);
    while (posted.size >= MAX_REMEMBERED) {
      const oldest = posted.keys().next();
      if (oldest.done) break;
      posted.delete(oldest.value);
    }
  }

  return {
    /** Posts the alert unless the same one went out within the quiet period; true when posted. */
    async alert(text: string, options: AlertOptions = {}): Promise<boolean> {
      const key = options.key ?? text;
      try {
        const now = deps.now();
        forgetOld(now);
        const last = posted.get(key);
        if (last !== undefined && now - last < quietMs) {
          deps.logger.debug({ key }, 'service alert already posted recently');
          return false;
        }
        // Held before the post, so two calls at once do not both post.
        posted.set(key, now);
        try {
          const message = serviceAlertMessage({
            text,
            at: now,
            ...(options.kind ? { kind: options.kind } : {}),
            ...(deps.mentions ? { mentions: deps.mentions } : {}),
          });
          await deps.chat.post({
            channel: deps.channel,
            text: message.text,
            blocks: message.blocks,
            metadata: {
              event_type: ALERT_EVENT_TYPE,
              event_payload: { key: key.slice(0, 200), kind: options.kind ?? 'other' },
            },
          });
          return true;
        } catch (error) {
          // Not posted: the next occurrence may try again.
          if (posted.get(key) === now) posted.delete(key);
          throw error;
        }
      } catch (error) {
        deps.logger.error(
          { err: error, key: key.slice(0, 200), alert: text.slice(0, 500) },
          'could not post a service alert to Slack',
        );
        return false;
      }
    },
  };
}

export type SlackAlerts = ReturnType<typeof createSlackAlerts>;
