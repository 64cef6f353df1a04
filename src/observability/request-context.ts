/**
 * The request a piece of code runs on behalf of, carried by AsyncLocalStorage so that code deep
 * below a route (a dispatch, a log line) can name it without threading it through every call.
 * Only the HTTP layer starts a context; everything else just reads it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it awaits or schedules) as part of the request `requestId`. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the request the caller runs for, or undefined outside any request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Runs `fn` outside any request. Timers and callbacks inherit the context they were created in,
 * so a background worker woken from inside a request must arm its timers through this, or its
 * later work would be attributed to that request.
 */
export function runOutsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}
