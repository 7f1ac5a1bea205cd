import type { PluginConfig } from '../config/schema';
import { systemClock, type Clock, type RandomSource } from './clock';
import { ButtonError } from './errors';
import { interpretOffersResponse } from './response';
import { callWithRetries, type RetryEvent } from './retry';
import type { ButtonMerchantOffers, ButtonOffersRequest } from './schemas';
import { createTransport, type PoolStats, type Transport } from './transport';

export interface OffersResult {
  merchantOffers: ButtonMerchantOffers[];
  /** Physical calls made to Button for this result (1 when the first attempt succeeded). */
  attempts: number;
  /** Wall time spent on Button, retries and waits included. */
  upstreamMs: number;
}

export interface ButtonClient {
  /** False when no API key is configured: every call then fails with NOT_CONFIGURED without sending anything. */
  readonly configured: boolean;
  /** Asks Button for this user's offers, live: there is deliberately no cache anywhere on this path. */
  fetchOffers(request: ButtonOffersRequest, options?: { signal?: AbortSignal }): Promise<OffersResult>;
  poolStats(): PoolStats | undefined;
  close(): Promise<void>;
}

export interface ButtonClientDeps {
  clock?: Clock;
  random?: RandomSource;
  /** Wall-clock time (epoch ms), used only to read Retry-After dates. */
  epochNow?: () => number;
  onRetry?: (event: RetryEvent) => void;
  userAgent?: string;
}

export function createButtonClient(config: PluginConfig, deps: ButtonClientDeps = {}): ButtonClient {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const epochNow = deps.epochNow ?? Date.now;
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

  return {
    configured: transport !== undefined,

    async fetchOffers(request, options = {}) {
      if (transport === undefined) {
        throw new ButtonError('NOT_CONFIGURED', 'The Button API key is not configured (set BUTTON_API_KEY)', { retryable: false });
      }
      const started = clock.now();
      const { value, attempts } = await callWithRetries(
        async ({ timeoutMs }) => {
          const response = await transport.postOffers(request, { timeoutMs, signal: options.signal });
          return interpretOffersResponse(response, epochNow());
        },
        policy,
        { clock, random, onRetry: deps.onRetry },
        options.signal
      );
      return { merchantOffers: value, attempts, upstreamMs: clock.now() - started };
    },

    poolStats: () => transport?.stats(),

    close: async () => {
      await transport?.close();
    },
  };
}
