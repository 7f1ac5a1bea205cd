import type { PluginConfig } from '../config/schema';
import { createCircuitBreaker, type CircuitBreaker } from './breaker';
import { systemClock, type Clock, type RandomSource } from './clock';
import {
  CircuitOpenError,
  fromTransportError,
  isButtonError,
  LocalRateLimitedError,
  NotConfiguredError,
  type ButtonError,
} from './errors';
import type { ButtonClientEvents } from './events';
import { createHedger, type Hedger } from './hedging';
import { createLatencyTracker } from './latency-tracker';
import { createListClient, type ListClient } from './list-client';
import { createLocalRateLimiter, type RateLimiter } from './rate-limiter';
import { interpretOffersResponse } from './response';
import { createRetryBudget } from './retry-budget';
import { callWithRetries } from './retry';
import type { ButtonMerchantOffers, ButtonOffersRequest } from './schemas';
import { createTransport, type PoolStats, type Transport } from './transport';

export interface OffersResult {
  merchantOffers: ButtonMerchantOffers[];
  /** Physical calls made to Button for this result, hedges included (1 when the first call answered). */
  attempts: number;
  /** Wall time spent on Button, retries and waits included. */
  upstreamMs: number;
}

export interface ButtonClient {
  /** False when no API key is configured: every call then fails with NOT_CONFIGURED without sending anything. */
  readonly configured: boolean;
  /** Asks Button for this user's offers, live: there is deliberately no cache anywhere on this path. */
  fetchOffers(request: ButtonOffersRequest, options?: { signal?: AbortSignal }): Promise<OffersResult>;
  /**
   * Button's list endpoints on the accounts host (transactions, accounts, merchants), for background jobs:
   * undefined without an API key.
   */
  readonly lists: ListClient | undefined;
  /** Button's Merchants API (the brand catalogue): `lists` itself unless `catalogue.baseUrl` names another host. */
  readonly catalogue: ListClient | undefined;
  /** Opens a pooled connection ahead of traffic; failures are reported, never thrown. */
  warmup(): Promise<boolean>;
  poolStats(): PoolStats | undefined;
  breakerState(): ReturnType<CircuitBreaker['snapshot']> | undefined;
  close(): Promise<void>;
}

export interface ButtonClientDeps {
  clock?: Clock;
  random?: RandomSource;
  /** Wall-clock time (epoch ms), used only to read Retry-After dates. */
  epochNow?: () => number;
  events?: ButtonClientEvents;
  userAgent?: string;
  /** Replaces the local limiter, e.g. with one shared between instances. */
  rateLimiter?: RateLimiter;
}

// Failures that say something about Button's health. A 4xx (our key, the request) or a 429 (our rate) does not.
const BREAKER_FAILURES = new Set<ButtonError['code']>([
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_UNAVAILABLE',
  'INVALID_RESPONSE',
]);

/**
 * Of those, the ones that say Button cannot be reached at all (refused connections, unreachable hosts, connect and
 * attempt timeouts): a run of them trips the breaker at once (breaker.consecutiveFailures). A 503 or a bad body is
 * Button answering, left to the failure rate. So is a socket closed under a call (`immediateRetry`: undici's "other
 * side closed", ECONNRESET): a healthy server does that to idle pooled sockets, a burst can hit several at once, and
 * in a real outage the fresh connection the immediate retry opens is refused or times out, which counts.
 */
const isHardOutage = (error: ButtonError) =>
  error.code === 'UPSTREAM_TIMEOUT' || (error.code === 'UPSTREAM_UNREACHABLE' && error.retryable && !error.immediateRetry);

/**
 * The Button client: one pooled transport, and around each physical call, in order: the rate limiter, the
 * breaker, hedging; around the whole request: retries under one deadline and a retry budget.
 */
export function createButtonClient(config: PluginConfig, deps: ButtonClientDeps = {}): ButtonClient {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const epochNow = deps.epochNow ?? Date.now;
  const events = deps.events ?? {};
  const apiKey = config.apiKey;
  const transport: Transport | undefined =
    apiKey === undefined
      ? undefined
      : createTransport({
          baseUrl: config.baseUrl,
          apiKey,
          apiVersion: config.apiVersion,
          connectTimeoutMs: config.timeouts.connectMs,
          connections: config.pool.connections,
          keepAliveTimeoutMs: config.pool.keepAliveTimeoutMs,
          keepAlive: config.pool.keepAlive,
          tls: config.tls,
          userAgent: deps.userAgent ?? 'strapi-plugin-button-personalization',
        });
  const policy = {
    maxAttempts: config.retry.maxAttempts,
    baseDelayMs: config.retry.baseDelayMs,
    maxDelayMs: config.retry.maxDelayMs,
    attemptTimeoutMs: config.timeouts.attemptMs,
    deadlineMs: config.timeouts.deadlineMs,
  };
  const budget = createRetryBudget({
    ratio: config.retry.budgetRatio,
    minPerWindow: config.retry.budgetMinPerWindow,
    windowMs: config.retry.budgetWindowMs,
    clock,
  });
  const limiter = deps.rateLimiter ?? createLocalRateLimiter({ perMinute: config.rateLimit.perMinute, clock });
  const attemptMs = config.reconciliation.attemptTimeoutMs;
  // Background pages: a connection or two to the accounts host, patient timeouts, a few more attempts.
  const listTransports: Transport[] = [];
  const listTransport = (created: Transport) => {
    listTransports.push(created);
    return created;
  };
  const listClientOn = (baseUrl: string): ListClient | undefined =>
    apiKey === undefined
      ? undefined
      : createListClient({
          transport: listTransport(
            createTransport({
              baseUrl,
              apiKey,
              apiVersion: config.apiVersion,
              connectTimeoutMs: config.timeouts.connectMs,
              connections: 2,
              keepAliveTimeoutMs: config.pool.keepAliveTimeoutMs,
              keepAlive: true,
              tls: config.tls,
              userAgent: deps.userAgent ?? 'strapi-plugin-button-personalization',
            })
          ),
          limiter,
          perMinute: config.rateLimit.perMinute,
          policy: {
            maxAttempts: Math.max(4, config.retry.maxAttempts),
            baseDelayMs: 500,
            maxDelayMs: 15_000,
            attemptTimeoutMs: attemptMs,
            deadlineMs: attemptMs * 4 + 30_000,
          },
          clock,
          random,
          epochNow,
        });
  const lists = listClientOn(config.accountsBaseUrl);
  // The brand catalogue's own host when configured (`catalogue.baseUrl`), else the accounts host's connections.
  const catalogueBase = config.catalogue.baseUrl;
  const catalogue =
    catalogueBase === undefined || new URL(catalogueBase).origin === new URL(config.accountsBaseUrl).origin
      ? lists
      : listClientOn(catalogueBase);
  const breaker = config.breaker.enabled ? createCircuitBreaker({ ...config.breaker, clock }) : undefined;
  if (breaker && events.onBreakerStateChange) breaker.onStateChange(events.onBreakerStateChange);
  const latencies = createLatencyTracker();
  const hedger: Hedger | undefined = config.hedging.enabled ? createHedger(config.hedging, { clock, latencies }) : undefined;

  /** One physical call: breaker permit, send, interpret, and report the outcome to the breaker and the hooks. */
  async function physicalCall(
    target: Transport,
    request: ButtonOffersRequest,
    call: { timeoutMs: number; signal: AbortSignal; hedge: boolean; onSent: () => void }
  ) {
    const { timeoutMs, signal, hedge } = call;
    const permit = breaker?.acquire() ?? { allowed: true as const, probe: false };
    if (!permit.allowed) {
      throw new CircuitOpenError(undefined, { retryAfterMs: permit.retryAfterMs });
    }
    call.onSent();
    const started = clock.now();
    try {
      const response = await target.postOffers(request, { timeoutMs, signal });
      const offers = interpretOffersResponse(response, epochNow());
      const durationMs = clock.now() - started;
      breaker?.success(permit.probe);
      latencies.record(durationMs);
      events.onAttempt?.({ durationMs, outcome: 'success', upstreamStatus: response.statusCode, hedge });
      return offers;
    } catch (thrown) {
      const error = fromTransportError(thrown);
      if (error.code === 'ABORTED' || signal.aborted) breaker?.release(permit.probe);
      else if (BREAKER_FAILURES.has(error.code)) breaker?.failure(permit.probe, isHardOutage(error) ? 'hard' : 'soft');
      else breaker?.success(permit.probe); // Button answered sanely, even if it said no
      events.onAttempt?.({
        durationMs: clock.now() - started,
        outcome: error.code,
        upstreamStatus: error.upstreamStatus,
        hedge,
        // Button's own message may quote the request (a user id): keep it out for rejected requests.
        message: error.code === 'REQUEST_REJECTED' ? `Button rejected the request (${error.upstreamStatus})` : error.message,
      });
      throw error;
    }
  }

  const takeRateToken = async (what: 'retry' | 'hedge') => {
    if ((await limiter.acquire()).allowed) return true;
    events.onRefused?.({ what, reason: 'rate-limit' });
    return false;
  };

  return {
    configured: transport !== undefined,
    lists,
    catalogue,

    async fetchOffers(request, options = {}) {
      if (transport === undefined) {
        throw new NotConfiguredError();
      }
      const rate = await limiter.acquire();
      if (!rate.allowed) {
        events.onRateLimited?.();
        throw new LocalRateLimitedError(undefined, { retryAfterMs: rate.retryAfterMs });
      }
      budget.recordRequest();
      hedger?.recordRequest();
      let calls = 0;
      const started = clock.now();
      try {
        const { value } = await callWithRetries(
          ({ timeoutMs }) => {
            // Hedging only while the breaker is closed: probes must stay few and plain.
            const hedging = hedger !== undefined && (breaker === undefined || breaker.state === 'closed');
            let sentThisAttempt = 0;
            const send = (signal: AbortSignal) => {
              sentThisAttempt += 1;
              const combined = options.signal === undefined ? signal : AbortSignal.any([signal, options.signal]);
              const onSent = () => (calls += 1);
              return physicalCall(transport, request, { timeoutMs, signal: combined, hedge: sentThisAttempt > 1, onSent });
            };
            if (!hedging) return send(new AbortController().signal);
            return hedger.run(send, () => takeRateToken('hedge'), events.onHedge);
          },
          policy,
          {
            clock,
            random,
            canRetry: async () => {
              if (!budget.tryAcquire()) {
                events.onRefused?.({ what: 'retry', reason: 'budget' });
                return false;
              }
              return takeRateToken('retry');
            },
            onRetry: events.onRetry,
          },
          options.signal
        );
        return { merchantOffers: value, attempts: calls, upstreamMs: clock.now() - started };
      } catch (error) {
        // What callers see is the physical calls made (hedges included), not the retry loop's count.
        throw isButtonError(error) ? error.withOutcome({ attempts: calls }) : error;
      }
    },

    async warmup() {
      if (transport === undefined) return false;
      try {
        await transport.warmup(config.timeouts.connectMs + config.timeouts.attemptMs);
        return true;
      } catch {
        return false;
      }
    },

    poolStats: () => transport?.stats(),
    breakerState: () => breaker?.snapshot(),

    close: async () => {
      await Promise.all([transport?.close(), ...listTransports.map((listed) => listed.close())]);
    },
  };
}
