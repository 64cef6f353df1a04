/**
 * Live view of every negotiation actor in the Stately inspector (development only). A relay on
 * loopback serves a page that embeds the inspector UI (the viewer's browser needs internet) and
 * forwards the events this process sends over a WebSocket. Masking replaces emails and amounts.
 * Nothing here can affect a negotiation: the registry contains inspector failures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { WebSocket, WebSocketServer } from 'ws';
import type { InspectionEvent } from 'xstate';

const BUFFER = 200;
const EMAIL = /[^\s@<>"']+@[^\s@<>"']+\.[a-z]{2,}/gi;

export interface Inspection {
  /** Pass to every actor, restored ones included. */
  inspect: (event: InspectionEvent) => void;
  /** Open this in a browser. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the relay on 127.0.0.1 (port 0 = any free port) and connects this process to it. */
export async function startInspection(options: {
  port: number;
  mask: boolean;
  inspectorUrl?: string;
}): Promise<Inspection> {
  const relay = await startRelay(
    options.port,
    options.inspectorUrl ?? 'https://stately.ai/inspect',
  );
  const inspector = createWebSocketInspector({
    url: `ws://127.0.0.1:${relay.port}`,
    ...(options.mask ? { sanitizeContext: mask, sanitizeEvent: mask } : {}),
  });
  return {
    inspect: (event) => inspector.inspect.next?.(event as never),
    url: `http://127.0.0.1:${relay.port}`,
    async stop() {
      inspector.stop();
      await relay.stop();
    },
  };
}

/** Replaces email addresses and money (any `…Cents` field) anywhere in an inspection event. */
export function mask<T>(value: T): T {
  return maskValue(value, '') as T;
}

function maskValue(value: unknown, key: string): unknown {
  if (typeof value === 'string') return value.replace(EMAIL, '[email]');
  if (typeof value === 'number' && /cents$/i.test(key)) return null;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  }
  return value;
}

async function startRelay(
  port: number,
  inspectorUrl: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  let bound = port;
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(bridgePage(bound, inspectorUrl));
  });
  const wss = new WebSocketServer({ server: http });
  const recent: string[] = [];
  wss.on('connection', (socket) => {
    for (const message of recent) socket.send(message);
    socket.on('message', (data) => {
      const message = data.toString();
      recent.push(message);
      if (recent.length > BUFFER) recent.shift();
      for (const client of wss.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  bound = (http.address() as AddressInfo).port;
  return {
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

function bridgePage(port: number, inspectorUrl: string): string {
  return `<!doctype html><html><head><title>negotiator — Stately inspector</title>
<style>html,body,iframe{margin:0;height:100%;width:100%;border:0}</style></head><body>
<iframe id="ui" src="${inspectorUrl}"></iframe><script>
const ui = document.getElementById('ui'); const queue = []; let ready = false;
addEventListener('message', (e) => { if (e.data && e.data.type === '@statelyai.connected') {
  ready = true; queue.splice(0).forEach((m) => ui.contentWindow.postMessage(m, '*')); } });
const ws = new WebSocket('ws://127.0.0.1:${port}');
ws.onmessage = (e) => { const m = JSON.parse(e.data); ready ? ui.contentWindow.postMessage(m, '*') : queue.push(m); };
</script></body></html>`;
}
