/**
 * Slack's Socket Mode on the emulator's own port, for @slack/socket-mode (and so Bolt): a
 * single-use ticket from apps.connections.open opens `ws://…/link/?ticket=…&app_id=…`; the server
 * speaks first with `hello`, then sends envelopes and waits for `{envelope_id, payload}` acks.
 *
 * Acks are due within `ackTimeoutMs` (Slack: 3 s). As in Slack, only `events_api` envelopes carry
 * `retry_attempt`/`retry_reason` and are redelivered (`retry_reason: 'timeout'`, up to
 * `maxRetries`); an unacknowledged interaction or slash command is not retried — the user sees an
 * error — so its handle rejects with AckTimeoutError. Envelopes raised while no client is
 * connected wait for the next connection (the ack clock starts when they are sent). Pings are
 * answered by `ws` itself.
 *
 * Slightly long: connections, delivery and redelivery share the envelope bookkeeping.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

export interface Envelope {
  envelope_id: string;
  payload: Record<string, unknown>;
  type: EnvelopeType;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface RecordedAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  type?: EnvelopeType;
  /** Which delivery of an events_api envelope this acknowledges. */
  retry_attempt?: number;
  /** False when Slack would ignore it: late, repeated, or for an envelope it never sent. */
  accepted: boolean;
}

export class AckTimeoutError extends Error {
  constructor(
    readonly envelopeId: string,
    type: EnvelopeType,
    ackTimeoutMs: number,
  ) {
    super(
      `Socket Mode ${type} envelope ${envelopeId} was not acknowledged within ${ackTimeoutMs} ms`,
    );
    this.name = 'AckTimeoutError';
  }
}

interface Delivery {
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts: boolean;
  /** The envelope id of each attempt, first one included. */
  ids: string[];
  settled: boolean;
  timer?: NodeJS.Timeout;
  resolve(ack: RecordedAck): void;
  reject(error: Error): void;
}

export function createSocketModeServer(options: {
  server: Server;
  /** The emulator's `http://127.0.0.1:PORT`. */
  origin: string;
  appId: string;
  ackTimeoutMs: number;
  maxRetries: number;
  /** How long a client may keep a connection after a `disconnect` frame before it is cut. */
  disconnectGraceMs: number;
}) {
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  /** Connections that have been greeted and not asked to go; the newest gets new envelopes. */
  const live: WebSocket[] = [];
  const queue: Delivery[] = [];
  const deliveries = new Map<string, { delivery: Delivery; attempt: number }>();
  const sent: Envelope[] = [];
  const acks: RecordedAck[] = [];
  let connectionWaiters: Array<() => void> = [];

  function settle(delivery: Delivery, outcome: RecordedAck | Error): void {
    if (delivery.settled) return;
    delivery.settled = true;
    clearTimeout(delivery.timer);
    if (outcome instanceof Error) delivery.reject(outcome);
    else delivery.resolve(outcome);
  }

  function send(delivery: Delivery): void {
    const ws = live.filter((c) => c.readyState === WebSocket.OPEN).at(-1);
    if (!ws) {
      queue.push(delivery);
      return;
    }
    const attempt = delivery.ids.length - 1;
    const envelope: Envelope = {
      envelope_id: delivery.ids.at(-1) ?? '',
      payload: delivery.payload,
      type: delivery.type,
      accepts_response_payload: delivery.accepts,
      ...(delivery.type === 'events_api'
        ? { retry_attempt: attempt, retry_reason: attempt === 0 ? '' : 'timeout' }
        : {}),
    };
    deliveries.set(envelope.envelope_id, { delivery, attempt });
    sent.push(envelope);
    ws.send(JSON.stringify(envelope));
    delivery.timer = setTimeout(() => expire(delivery), options.ackTimeoutMs);
  }

  function expire(delivery: Delivery): void {
    if (delivery.settled) return;
    if (delivery.type === 'events_api' && delivery.ids.length <= options.maxRetries) {
      // Each redelivery is a new envelope around the same payload (same event_id).
      delivery.ids.push(randomUUID());
      send(delivery);
      return;
    }
    settle(
      delivery,
      new AckTimeoutError(delivery.ids[0] ?? '', delivery.type, options.ackTimeoutMs),
    );
  }

  function onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    let message: { envelope_id?: unknown; payload?: Record<string, unknown> };
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof message?.envelope_id !== 'string') return;
    const entry = deliveries.get(message.envelope_id);
    const ack: RecordedAck = {
      envelope_id: message.envelope_id,
      ...(message.payload === undefined ? {} : { payload: message.payload }),
      ...(entry ? { type: entry.delivery.type } : {}),
      ...(entry?.delivery.type === 'events_api' ? { retry_attempt: entry.attempt } : {}),
      accepted: entry !== undefined && !entry.delivery.settled,
    };
    acks.push(ack);
    if (entry && ack.accepted) settle(entry.delivery, ack);
  }

  function onConnection(ws: WebSocket): void {
    live.push(ws);
    ws.on('message', onMessage);
    ws.on('close', () => {
      const i = live.indexOf(ws);
      if (i >= 0) live.splice(i, 1);
    });
    // A client that vanishes mid-frame is a scenario under test, not an emulator failure.
    ws.on('error', () => {});
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: live.length,
        debug_info: {
          host: 'applink-sandbox',
          build_number: 1,
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: options.appId },
      }),
    );
    for (const delivery of queue.splice(0)) send(delivery);
    const waiters = connectionWaiters;
    connectionWaiters = [];
    for (const wake of waiters) wake();
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', options.origin);
    // Tickets are single-use: a reconnect must call apps.connections.open again.
    const status =
      url.pathname !== '/link/' && url.pathname !== '/link'
        ? '404 Not Found'
        : tickets.delete(url.searchParams.get('ticket') ?? '')
          ? null
          : '401 Unauthorized';
    if (status) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else wss.handleUpgrade(request, socket, head, onConnection);
  }
  options.server.on('upgrade', onUpgrade);

  function abandonAll(reason: string): void {
    for (const { delivery } of deliveries.values()) settle(delivery, new Error(reason));
    for (const delivery of queue.splice(0)) settle(delivery, new Error(reason));
    deliveries.clear();
  }

  return {
    /** A `ws://` URL with a fresh single-use ticket (what apps.connections.open returns). */
    openUrl(): string {
      const ticket = randomUUID();
      tickets.add(ticket);
      const wsOrigin = options.origin.replace(/^http/, 'ws');
      return `${wsOrigin}/link/?ticket=${ticket}&app_id=${options.appId}`;
    },

    /** Sends an envelope; `acked` settles with the accepted ack or an AckTimeoutError. */
    deliver(
      type: EnvelopeType,
      payload: Record<string, unknown>,
      acceptsResponsePayload: boolean,
    ): { envelopeId: string; acked: Promise<RecordedAck> } {
      const envelopeId = randomUUID();
      let resolve!: (ack: RecordedAck) => void;
      let reject!: (error: Error) => void;
      const acked = new Promise<RecordedAck>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A caller that never looks at `acked` must not get an unhandled rejection.
      acked.catch(() => {});
      send({
        type,
        payload,
        accepts: acceptsResponsePayload,
        ids: [envelopeId],
        settled: false,
        resolve,
        reject,
      });
      return { envelopeId, acked };
    },

    /** Open, greeted connections that still receive envelopes. */
    connections: (): number => live.length,
    /** Resolves when the next client has been greeted with `hello`. */
    nextConnection(timeoutMs = 5_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          connectionWaiters = connectionWaiters.filter((w) => w !== wake);
          reject(new Error(`No Socket Mode connection within ${timeoutMs} ms`));
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        connectionWaiters.push(wake);
      });
    },
    /** Asks every client to reconnect, as Slack does before recycling a server. */
    disconnect(reason = 'refresh_requested'): void {
      for (const ws of live.splice(0)) {
        ws.send(
          JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-sandbox' } }),
        );
        const cut = setTimeout(() => ws.terminate(), options.disconnectGraceMs);
        ws.once('close', () => clearTimeout(cut));
      }
    },
    /** Cuts every connection without a close frame, like a crashed server or a lost network. */
    dropConnections(): void {
      for (const ws of wss.clients) ws.terminate();
    },

    sent: (): Envelope[] => structuredClone(sent),
    acks: (): RecordedAck[] => structuredClone(acks),
    reset(): void {
      abandonAll('The Slack emulator was reset');
      sent.length = 0;
      acks.length = 0;
    },
    close(): void {
      abandonAll('The Slack emulator closed');
      options.server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

export type SocketModeServer = ReturnType<typeof createSocketModeServer>;
