import type { ButtonClient, OffersResult } from '../../server/src/button-client/client';
import type { ButtonMerchantOffers, ButtonOffersRequest } from '../../server/src/button-client/schemas';
import type { PluginStore } from '../../server/src/utils/plugin-store';

/** Small fakes for service-level tests: each service factory is called with these instead of Strapi. */

/** A plugin store over a Map; `writes` lists every set, in order. */
export function createFakeStore(initial: Record<string, unknown> = {}): PluginStore & {
  data: Map<string, unknown>;
  writes: Array<[string, unknown]>;
} {
  const data = new Map(Object.entries(initial));
  const writes: Array<[string, unknown]> = [];
  return {
    data,
    writes,
    get: async (key) => data.get(key),
    set: async (key, value) => {
      writes.push([key, value]);
      data.set(key, value);
    },
  };
}

/** A Button client answering `answer(request)` (or throwing it), recording every request it got. */
export function createFakeButtonClient(
  answer: (request: ButtonOffersRequest) => ButtonMerchantOffers[] | Error = () => []
): ButtonClient & { requests: ButtonOffersRequest[]; closed: boolean } {
  const fake = {
    requests: [] as ButtonOffersRequest[],
    closed: false,
    configured: true,
    lists: undefined,
    catalogue: undefined,
    async fetchOffers(request: ButtonOffersRequest): Promise<OffersResult> {
      fake.requests.push(request);
      const result = answer(request);
      if (result instanceof Error) throw result;
      return { merchantOffers: result, attempts: 1, upstreamMs: 12.34 };
    },
    warmup: async () => true,
    poolStats: () => ({ connected: 1, free: 1, pending: 0, queued: 0, running: 0, size: 1 }),
    breakerState: () => ({
      state: 'closed' as const,
      requests: 3,
      failures: 0,
      consecutiveFailures: 0,
      nextProbeInMs: null,
      lastTrip: null,
    }),
    async close() {
      fake.closed = true;
    },
  };
  return fake;
}

export const silentLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** One Button offer with a percentage rate. */
export const buttonOffer = (id: string, ratePercent: string) => ({
  id,
  rank: 1,
  rate_percent: ratePercent,
  rate_fixed: null,
  currency: null,
  display_params: {},
});
