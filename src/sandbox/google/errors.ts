import type { Context } from 'hono';

const STATUS: Record<number, [string, string, string]> = {
  400: ['INVALID_ARGUMENT', 'badRequest', 'Invalid request'],
  401: ['UNAUTHENTICATED', 'authError', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'forbidden', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'notFound', 'Requested entity was not found.'],
  429: [
    'RESOURCE_EXHAUSTED',
    'rateLimitExceeded',
    'Resource has been exhausted (e.g. check quota).',
  ],
  500: ['INTERNAL', 'backendError', 'Internal error encountered.'],
  503: ['UNAVAILABLE', 'backendError', 'The service is currently unavailable.'],
};

/** An error in Google's JSON shape: `{error:{code,message,errors:[{reason,domain}],status}}`. */
export function googleError(c: Context, code: number, message?: string) {
  const [status, reason, fallback] = STATUS[code] ?? ['UNKNOWN', 'unknown', 'Error'];
  return c.json(
    {
      error: {
        code,
        message: message ?? fallback,
        errors: [
          { message: message ?? fallback, domain: code === 429 ? 'usageLimits' : 'global', reason },
        ],
        status,
      },
    },
    code as 400,
  );
}
