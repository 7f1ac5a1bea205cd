import { Pool } from 'undici';
import type { ButtonOffersRequest } from './schemas';
import type { RawResponse } from './response';
import { AttemptTimeoutError } from './errors';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  apiVersion?: string;
  connectTimeoutMs: number;
  connections: number;
  keepAliveTimeoutMs: number;
  keepAlive: boolean;
  tls: { ca?: string; rejectUnauthorized: boolean };
  userAgent: string;
}

export interface AttemptOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PoolStats {
  connected: number;
  free: number;
  pending: number;
  queued: number;
  running: number;
  size: number;
}

export interface Transport {
  postOffers(body: ButtonOffersRequest, options: AttemptOptions): Promise<RawResponse>;
  /** A GET of one of Button's list endpoints (`/v1/...` with its query), relative to the base URL. */
  get(pathAndQuery: string, options: AttemptOptions): Promise<RawResponse>;
  /** Opens a connection (TCP + TLS) ahead of the first real call; the answer itself does not matter. */
  warmup(timeoutMs: number): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}

const KEEP_ALIVE_HINT_MARGIN_MS = 2_000; // 2 s, undici's default, pinned: a hint of `timeout=5` keeps sockets 3 s
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024; // a personalised offer list is a few KB; anything near this is broken

/**
 * One undici Pool to Button's origin: keep-alive HTTP/1.1, a bounded number of sockets, TLS sessions reused by
 * undici's connector. Sends one attempt; retrying is the policy's job (retry.ts), not the transport's.
 */
/**
 * undici marks a connection free a tick after the body ends; a caller that fires its next request at once
 * would find none free and open a second socket. One event-loop turn lets the pool see the idle socket.
 */
const releaseTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const path = `${basePath}/v1/offers`;
  const pool = new Pool(base.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // A server's keep-alive hint may shorten our idle timeout but never stretch it past our own bound; we give up
    // a hinted socket this long before the server would, so we never send on one it is closing.
    keepAliveMaxTimeout: options.keepAliveTimeoutMs,
    keepAliveTimeoutThreshold: KEEP_ALIVE_HINT_MARGIN_MS,
    maxResponseSize: MAX_RESPONSE_BYTES,
    connect: {
      timeout: options.connectTimeoutMs,
      ca: options.tls.ca,
      rejectUnauthorized: options.tls.rejectUnauthorized,
    },
  });
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': options.userAgent,
  };
  if (options.apiVersion !== undefined) headers['x-button-api-version'] = options.apiVersion;

  let closing: Promise<void> | undefined;
  async function closePool(): Promise<void> {
    // Give in-flight calls a moment to finish, then cut them: shutdown must not hang on a stalled upstream.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 2_000);
    });
    const outcome = await Promise.race([pool.close().then(() => 'closed' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') await pool.destroy();
  }

  async function send(
    request: { method: 'GET' | 'POST'; path: string; body?: string },
    { timeoutMs, signal }: AttemptOptions
  ): Promise<RawResponse> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
    const combined = signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, signal]);
    try {
      const response = await pool.request({
        ...request,
        headers,
        signal: combined,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // keepAlive off asks for `connection: close`: a new TCP + TLS handshake per call (benchmark baseline).
        reset: !options.keepAlive,
      });
      const text = await response.body.text();
      await releaseTurn();
      return { statusCode: response.statusCode, headers: response.headers, text };
    } catch (error) {
      // undici rejects with the abort reason; make sure our own timer reads as a timeout, not an abort.
      if (timeout.signal.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    postOffers(body, attempt) {
      return send({ method: 'POST', path, body: JSON.stringify(body) }, attempt);
    },
    get(pathAndQuery, attempt) {
      return send({ method: 'GET', path: `${basePath}${pathAndQuery}` }, attempt);
    },
    async warmup(timeoutMs) {
      // An OPTIONS carries no identifiers and no body: it only pays the handshake now instead of on a user's
      // request. (Not HEAD: undici closes the connection after a HEAD, which would defeat the point.)
      const response = await pool.request({
        method: 'OPTIONS',
        path,
        headers: { 'user-agent': options.userAgent },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      await releaseTurn();
    },
    stats() {
      const { connected, free, pending, queued, running, size } = pool.stats;
      return { connected, free, pending, queued, running, size };
    },
    close() {
      closing ??= closePool();
      return closing;
    },
  };
}
