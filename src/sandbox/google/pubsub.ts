/**
 * Pub/Sub push, emulated: wraps Gmail notifications `{emailAddress, historyId}` the way a push
 * subscription does, signs each request with an OIDC token from the emulator's key, redelivers
 * with backoff on anything but 102/200/201/202/204 (or a 10 s timeout), and on request delivers
 * duplicates, out of order, or not at all — as real push delivery sometimes does.
 */
import type { GoogleIdentity } from './identity.js';

const ACK = new Set([102, 200, 201, 202, 204]);

export interface PushOptions {
  endpoint: string;
  audience: string;
  serviceAccountEmail?: string;
  subscription?: string;
  /** Share of notifications never delivered (0..1). */
  dropRate?: number;
  /** Share of notifications delivered twice (0..1). */
  duplicateRate?: number;
  /** Deliver each batch of notifications in reverse order. */
  reorder?: boolean;
  maxAttempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  random?: () => number;
}

export interface PushDelivery {
  messageId: string;
  historyId: string;
  attempt: number;
  status: number | 'timeout' | 'error';
}

export function createPubSubPusher(
  identity: GoogleIdentity,
  mailbox: string,
  options: PushOptions,
) {
  const random = options.random ?? Math.random;
  const deliveries: PushDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  let sequence = 0;
  const email = options.serviceAccountEmail ?? 'gmail-push@sandbox.iam.gserviceaccount.com';

  async function deliverOnce(
    messageId: string,
    historyId: string,
    attempt: number,
  ): Promise<boolean> {
    const body = {
      message: {
        data: Buffer.from(
          JSON.stringify({ emailAddress: mailbox, historyId: Number(historyId) }),
        ).toString('base64'),
        messageId,
        message_id: messageId,
        publishTime: new Date().toISOString(),
        attributes: {},
      },
      subscription: options.subscription ?? 'projects/sandbox/subscriptions/gmail-push',
    };
    const token = identity.mintIdToken({ audience: options.audience, email });
    try {
      const response = await fetch(options.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      deliveries.push({ messageId, historyId, attempt, status: response.status });
      return ACK.has(response.status);
    } catch (error) {
      deliveries.push({
        messageId,
        historyId,
        attempt,
        status: (error as Error).name === 'TimeoutError' ? 'timeout' : 'error',
      });
      return false;
    }
  }

  async function deliver(messageId: string, historyId: string): Promise<void> {
    const max = options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= max; attempt++) {
      if (await deliverOnce(messageId, historyId, attempt)) return;
      await new Promise((r) => setTimeout(r, (options.backoffMs ?? 50) * 2 ** (attempt - 1)));
    }
  }

  function track(task: Promise<void>): void {
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }

  return {
    /** Announces that the mailbox changed up to `historyId` (a number or a string, as Google varies). */
    notify(...historyIds: Array<string | number>): void {
      const batch = historyIds.map(String).filter(() => random() >= (options.dropRate ?? 0));
      if (options.reorder) batch.reverse();
      for (const historyId of batch) {
        // Pub/Sub message ids are decimal strings.
        const messageId = String(1_000_000_000_000 + Math.floor(random() * 1e12) + ++sequence);
        track(deliver(messageId, historyId));
        if (random() < (options.duplicateRate ?? 0)) track(deliver(messageId, historyId));
      }
    },
    deliveries: (): PushDelivery[] => [...deliveries],
    /** Resolves when every delivery was acknowledged or given up. */
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
