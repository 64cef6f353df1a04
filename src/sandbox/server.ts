/** Starts an emulator's Hono app on loopback; port 0 (the default) picks a free port. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningEmulator {
  url: string;
  port: number;
  /** The Node HTTP server, for emulators that also accept WebSocket upgrades on the same port. */
  server?: Server;
  close(): Promise<void>;
}

export function startEmulator(
  app: Hono,
  options: { port?: number } = {},
): Promise<RunningEmulator> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          port: info.port,
          // No HTTP/2 or TLS options are passed to serve(), so this is a plain http.Server.
          server: server as Server,
          close: () =>
            new Promise<void>((done) => {
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              server.close(() => done());
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
