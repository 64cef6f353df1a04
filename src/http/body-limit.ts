/**
 * Caps request bodies for every route. A declared Content-Length over the cap is refused before
 * anything is read; a chunked body is counted as the handler reads it, and reading fails once it
 * passes the cap. Nothing is buffered here, so a route that authenticates before reading (the
 * Gmail webhook) still reads no byte from a stranger.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { PayloadTooLargeError } from './errors.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return async function limitBody(c, next) {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.get('content-length');
    if (declared !== null && !raw.headers.has('transfer-encoding')) {
      // Node's HTTP parser has already refused a malformed Content-Length.
      if (Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
      return next();
    }
    const counted = capped(raw.body, maxBytes, (error) => c.set('bodyTooLarge', error));
    c.req.raw = new Request(raw, { body: counted, duplex: 'half' } as RequestInit);
    return next();
  };
}

function capped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onOverflow: (error: PayloadTooLargeError) => void,
): ReadableStream<Uint8Array> {
  let size = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          const error = new PayloadTooLargeError(maxBytes);
          onOverflow(error);
          controller.error(error);
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}
