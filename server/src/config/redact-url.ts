/**
 * A URL as it may be shown or logged: scheme, host, port and path only. Userinfo (`user:pass@`), the query string
 * and the fragment can carry secrets and are dropped; they are never sent to Button either (the transport connects
 * to the origin and authenticates with the API key).
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '(invalid URL)';
  }
  const path = url.pathname === '/' ? '' : url.pathname;
  // `origin` is "null" for schemes without one; the config only accepts http(s), this is for anything else.
  const origin = url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
  return `${origin}${path}`;
}

/** Whether a URL carries parts that redactUrl drops (to warn about them once, at boot). */
export function hasHiddenUrlParts(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '';
  } catch {
    return false;
  }
}
