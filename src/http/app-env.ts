/** What the service's middleware puts on every request's Hono context (`c.var`). */
import type { Logger } from '../observability/logger.js';
import type { PayloadTooLargeError } from './errors.js';

export interface AppEnv {
  Variables: {
    /** The request's id: the sane inbound `X-Request-Id`, or a fresh UUID. */
    requestId: string;
    /** The service logger bound to this request's id. */
    logger: Logger;
    /** Set when the body turned out larger than the limit while a handler was reading it. */
    bodyTooLarge: PayloadTooLargeError;
  };
}
