/**
 * google-auth-library's service-account JWT posts to a hard-coded https://oauth2.googleapis.com/token
 * (gtoken has no option for it). This fetch, given to `JWT` as
 * `transporterOptions.fetchImplementation`, sends those requests to GOOGLE_TOKEN_URL instead, so a
 * sandbox or a proxy can stand in. Every other request passes through untouched.
 */
const GOOGLE_OAUTH_HOST = 'oauth2.googleapis.com';

export function redirectTokenRequests(
  tokenUrl: string | undefined,
  base: typeof fetch = fetch,
): typeof fetch {
  if (!tokenUrl) return base;
  const target = new URL(tokenUrl);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== GOOGLE_OAUTH_HOST) return base(input, init);
    // The token endpoint maps to the configured URL; anything else (revoke) keeps its path.
    const redirected =
      url.pathname === '/token' ? target : new URL(url.pathname + url.search, target);
    return base(input instanceof Request ? new Request(redirected, input) : redirected, init);
  };
}
