import type { Server } from 'node:http';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { createInFlightRequests, type InFlightRequests } from './in-flight';

type Context = Parameters<Core.MiddlewareHandler>[0];

interface ServerState {
  requests: InFlightRequests;
  draining: boolean;
}

// Per Strapi instance: tests boot several in one process.
const states = new WeakMap<Core.Strapi, ServerState>();

const stateOf = (strapi: Core.Strapi): ServerState => {
  let state = states.get(strapi);
  if (!state) {
    state = { requests: createInFlightRequests(), draining: false };
    states.set(strapi, state);
  }
  return state;
};

/**
 * From register(), before any other server-level middleware (the webhook endpoint answers by itself and must be
 * counted too): counts every request until its response is written. While draining, answers carry
 * `Connection: close` so keep-alive clients open their next request elsewhere instead of on a socket about to go.
 */
export function installInFlightTracking(strapi: Core.Strapi): void {
  const state = stateOf(strapi);
  strapi.server.use(async function trackInFlight(ctx: Context, next: () => Promise<unknown>) {
    const end = state.requests.begin();
    // 'close' fires when the response is fully written or the connection went away, whichever comes first.
    ctx.res.once('close', end);
    try {
      await next();
    } finally {
      if (state.draining && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  });
}

/**
 * From destroy(), which Strapi runs before it destroys the HTTP server's sockets and the database: stops taking
 * connections, closes the idle keep-alive ones, and waits for the requests in flight (offers calling Button,
 * webhooks writing the ledger) for at most `graceMs`. Whatever is still running after that is cut by Strapi.
 */
export async function drainHttpServer(strapi: Core.Strapi, graceMs: number): Promise<'drained' | 'grace-over'> {
  const state = stateOf(strapi);
  state.draining = true;
  const server = strapi.server.httpServer as Server;
  if (server.listening) {
    // The callback only fires once every connection is gone; Strapi destroys the stragglers after this.
    server.close(() => undefined);
  }
  // Node 19+ also does this in close(); explicit for the sockets that become idle while we wait (see below).
  server.closeIdleConnections();

  const inFlight = state.requests.count;
  if (inFlight === 0) return 'drained';
  strapi.log.info(`[${PLUGIN_ID}] shutting down: ${plural(inFlight)} in flight, waiting up to ${graceMs} ms`);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([state.requests.idle().then(() => 'idle' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'idle') {
    strapi.log.info(`[${PLUGIN_ID}] all in-flight requests answered in ${Date.now() - started} ms`);
    return 'drained';
  }
  strapi.log.warn(
    `[${PLUGIN_ID}] grace period (${graceMs} ms) over with ${plural(state.requests.count)} still in flight: they are cut`
  );
  return 'grace-over';
}

const plural = (count: number) => `${count} request${count === 1 ? '' : 's'}`;
