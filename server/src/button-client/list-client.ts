import type { Clock, RandomSource } from './clock';
import { InvalidResponseError, type ButtonError } from './errors';
import type { RateLimiter } from './rate-limiter';
import { interpretListResponse, type ListPage } from './response';
import { callWithRetries, type RetryPolicy } from './retry';
import type { Transport } from './transport';

/**
 * Button's list endpoints (accounts, transactions, the brand catalogue), for background jobs. They run on their
 * own pooled connections to their own host (api.usebutton.com, not the Offers API's), under the SAME rate limiter
 * as the offers (one organization budget, shared by the fleet with Redis), with capped, backed-off retries. Not
 * behind the offers breaker (another host's health says nothing about the Offers API's) and never hedged (nobody
 * waits on a page).
 *
 * A background job must not starve the request path: pages are paced to at most `shareOfBudget` of the rate limit
 * (a 5,000-a-minute budget gives reconciliation ~8 pages a second), and a page refused by the limiter waits for its
 * token instead of failing the run.
 */
export interface ListClientOptions {
  transport: Transport;
  limiter: RateLimiter;
  perMinute: number;
  policy: RetryPolicy;
  clock: Clock;
  random: RandomSource;
  epochNow: () => number;
  /** Share of `perMinute` background pages may use. */
  shareOfBudget?: number;
  onAttempt?: (event: { durationMs: number; outcome: 'success' | ButtonError['code']; upstreamStatus?: number }) => void;
}

export interface ListPageRequest {
  /** `/v1/...`, relative to the accounts base URL. */
  path: string;
  query: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export interface PagesRequest extends ListPageRequest {
  /** Pages read at most; the generator then ends with `truncated: true` on its last page. */
  maxPages: number;
  /** Where a previous, truncated pass stopped (its last page's `nextCursor`): go on from there. */
  cursor?: string;
}

export interface NumberedPage extends ListPage {
  index: number;
  /** The last page read because `maxPages` was reached, with more to read. */
  truncated: boolean;
  /** The cursor of the page after this one (null on the last page): what a later pass may resume from. */
  nextCursor: string | null;
}

export interface ListClient {
  page(request: ListPageRequest): Promise<ListPage>;
  /** Every page in order: the next page's cursor is taken from `meta.next` (never its host or path). */
  pages(request: PagesRequest): AsyncGenerator<NumberedPage>;
}

const DEFAULT_SHARE = 0.1;

export function createListClient(options: ListClientOptions): ListClient {
  const { transport, limiter, clock, random, policy } = options;
  const minIntervalMs = 60_000 / Math.max(1, options.perMinute * (options.shareOfBudget ?? DEFAULT_SHARE));
  let nextSlot = 0;

  /** Waits for this page's turn in the background share, then for a token of the shared budget. */
  async function takeTurn(signal: AbortSignal | undefined): Promise<void> {
    const now = clock.now();
    const wait = Math.max(0, nextSlot - now);
    nextSlot = Math.max(now, nextSlot) + minIntervalMs;
    if (wait > 0) await clock.sleep(wait, signal);
    await takeToken(signal);
  }

  async function takeToken(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const decision = await limiter.acquire();
      if (decision.allowed) return;
      await clock.sleep(decision.retryAfterMs, signal);
    }
  }

  async function page({ path, query, signal }: ListPageRequest): Promise<ListPage> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, value);
    const pathAndQuery = search.size > 0 ? `${path}?${search.toString()}` : path;
    await takeTurn(signal);
    const { value } = await callWithRetries(
      async ({ timeoutMs }) => {
        const started = clock.now();
        try {
          const response = await transport.get(pathAndQuery, { timeoutMs, signal });
          const result = interpretListResponse(response, options.epochNow());
          options.onAttempt?.({ durationMs: clock.now() - started, outcome: 'success', upstreamStatus: response.statusCode });
          return result;
        } catch (error) {
          const code = (error as Partial<ButtonError>).code;
          options.onAttempt?.({
            durationMs: clock.now() - started,
            outcome: code ?? 'UPSTREAM_UNREACHABLE',
            upstreamStatus: (error as Partial<ButtonError>).upstreamStatus,
          });
          throw error;
        }
      },
      policy,
      {
        clock,
        random,
        // A retry is a call like any other: it waits for its own token of the shared budget (never fails for it).
        canRetry: async () => {
          await takeToken(signal);
          return true;
        },
      },
      signal
    );
    return value;
  }

  async function* pages(request: PagesRequest): AsyncGenerator<NumberedPage> {
    let cursor: string | undefined = request.cursor;
    for (let index = 0; ; index += 1) {
      const current = await page({ ...request, query: { ...request.query, cursor } });
      let nextCursor: string | null = null;
      let unusable: unknown;
      try {
        nextCursor = current.next === null ? null : cursorOf(current.next);
      } catch (error) {
        unusable = error; // this page is good: it is handed over first, then the pass fails
      }
      const truncated = nextCursor !== null && index + 1 >= request.maxPages;
      yield { ...current, index, truncated, nextCursor };
      if (unusable !== undefined) throw unusable;
      if (nextCursor === null || truncated) return;
      cursor = nextCursor;
    }
  }

  return { page, pages };
}

/**
 * The cursor of Button's `meta.next` URL, as Button's own clients read it. The URL itself is never requested:
 * the next page is asked of the configured host, so an answer cannot point the plugin (and its API key) elsewhere.
 */
export function cursorOf(next: string): string {
  let cursor: string | null = null;
  try {
    cursor = new URL(next).searchParams.get('cursor');
  } catch {
    cursor = null;
  }
  if (cursor === null || cursor === '' || cursor.length > 2_048) {
    throw new InvalidResponseError('Button answered a next page without a usable cursor', { retryable: false });
  }
  return cursor;
}
