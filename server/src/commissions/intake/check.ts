import { randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapturedBody } from './capture';

/**
 * The boot check of the raw-body guarantee, by behaviour: once the app serves HTTP, one probe request goes
 * through the whole Koa app (every server-level and configured middleware, `strapi::body`, the router, the
 * declared route) and the webhook route handler says whether it received exactly the bytes sent. Nothing
 * here reads Strapi's middleware list or any function's source, so it holds for whatever sits in front of
 * the route. Verified on Strapi 5.54.0 (the version in use); the package claims @strapi/strapi ^5.
 *
 * Verdicts: `ok`; `missing` (the body was consumed before the plugin's capture, or the capture did not run);
 * `altered` (bytes reached the route but not the ones sent: something re-wrote the stream). Either failure makes
 * the endpoint fail closed (503, Button retries) with the fix in the log. A probe that never reaches the route
 * (refused by an app middleware, server closing) leaves the verdict `pending`: webhooks are then judged one by one
 * (a consumed body is refused with 503 at run time whatever the verdict).
 */

export const PROBE_HEADER = 'x-button-personalization-probe';

/** Spaces, a trailing zero and a newline: any parser that re-serialises the JSON changes these bytes. */
export const PROBE_BODY = Buffer.from('{ "probe" : true,  "amount": 1.50 }\n', 'utf8');

export type RawBodyVerdict = 'pending' | 'ok' | 'missing' | 'altered';

export interface RawBodyCheck {
  readonly verdict: RawBodyVerdict;
  /** Whether a request is this boot's own probe: its header carries a random per-boot nonce. */
  isProbe(header: string | undefined): boolean;
  /** From the route handler, for the probe: what reached it. */
  observe(captured: CapturedBody | undefined): RawBodyVerdict;
  /** Sends the probe through `listener` (the Koa app's callback) on a private loopback server. */
  run(listener: RequestListener, path: string): Promise<{ verdict: RawBodyVerdict; status: number | null }>;
}

export function createRawBodyCheck(random: (size: number) => Buffer = randomBytes): RawBodyCheck {
  const nonce = random(16).toString('hex');
  let verdict: RawBodyVerdict = 'pending';

  return {
    get verdict() {
      return verdict;
    },
    isProbe(header) {
      if (header === undefined || header.length !== nonce.length) return false;
      return timingSafeEqual(Buffer.from(header), Buffer.from(nonce));
    },
    observe(captured) {
      if (captured?.kind !== 'bytes') verdict = 'missing';
      else verdict = captured.bytes.equals(PROBE_BODY) ? 'ok' : 'altered';
      return verdict;
    },
    async run(listener, path) {
      const status = await probe(listener, path, nonce).catch(() => null);
      return { verdict, status };
    },
  };
}

/**
 * A private server on 127.0.0.1 with the app's own request listener: the probe does not depend on the host,
 * port or socket the app listens on, and never reaches the network.
 */
async function probe(listener: RequestListener, path: string, nonce: string): Promise<number> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent: false,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': PROBE_BODY.length,
            Connection: 'close',
            [PROBE_HEADER]: nonce,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        }
      );
      request.setTimeout(10_000, () => request.destroy(new Error('raw-body probe timed out'))); // 10 s
      request.on('error', reject);
      request.end(PROBE_BODY);
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
