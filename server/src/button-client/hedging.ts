import type { Clock } from './clock';
import { CancelledError } from './errors';
import type { LatencyTracker } from './latency-tracker';
import { createSlidingWindow } from './sliding-window';

/**
 * Hedged requests ("The Tail at Scale"): when an attempt has not answered after a delay (fixed, or the observed
 * p95), send one more, take the first good answer and cancel the other. A budget caps the extra calls, since each
 * hedge spends Button rate-limit quota.
 */
export interface HedgeOptions {
  /** Fixed delay; undefined means "the observed percentile of recent latencies". */
  delayMs?: number;
  percentile: number;
  /** Hedges may not exceed this share of requests over the window. */
  maxExtraRatio: number;
  windowMs: number;
  /** Never hedge sooner than this, whatever the percentile says. */
  minDelayMs: number;
}

export type HedgeEvent = 'sent' | 'refused' | 'won';

export interface Hedger {
  recordRequest(): void;
  /** The delay a hedge would wait now, or undefined when hedging cannot decide yet (too few samples). */
  delayMs(): number | undefined;
  run<T>(
    send: (signal: AbortSignal) => Promise<T>,
    mayHedge: () => boolean | Promise<boolean>,
    onEvent?: (event: HedgeEvent) => void
  ): Promise<T>;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error })
  );
const unwrap = <T>(settled: Settled<T>): T => {
  if (settled.ok) return settled.value;
  throw settled.error;
};

export function createHedger(options: HedgeOptions, deps: { clock: Clock; latencies: LatencyTracker }): Hedger {
  const window = createSlidingWindow(['requests', 'hedges'] as const, { windowMs: options.windowMs, clock: deps.clock });

  const delayMs = () => {
    const delay = options.delayMs ?? deps.latencies.percentile(options.percentile);
    return delay === undefined ? undefined : Math.max(options.minDelayMs, delay);
  };
  const budgetAllows = () => window.sum('hedges') + 1 <= options.maxExtraRatio * window.sum('requests');

  return {
    recordRequest() {
      window.add('requests');
    },
    delayMs,
    async run(send, mayHedge, onEvent) {
      const delay = delayMs();
      const primaryControl = new AbortController();
      const primary = settle(send(primaryControl.signal));
      if (delay === undefined) return unwrap(await primary);

      const timerControl = new AbortController();
      const timer = deps.clock.sleep(delay, timerControl.signal).then(
        () => 'hedge' as const,
        () => 'cancelled' as const
      );
      const first = await Promise.race([primary, timer]);
      if (first !== 'hedge' && first !== 'cancelled') {
        timerControl.abort();
        return unwrap(first);
      }
      if (!budgetAllows() || !(await mayHedge())) {
        onEvent?.('refused');
        return unwrap(await primary);
      }
      window.add('hedges');
      onEvent?.('sent');
      const hedgeControl = new AbortController();
      const hedge = settle(send(hedgeControl.signal));

      // First good answer wins and the other is cancelled; when one fails, the other still has its chance.
      const winner = await Promise.race([
        primary.then((r) => ({ r, from: 'primary' as const })),
        hedge.then((r) => ({ r, from: 'hedge' as const })),
      ]);
      const other = winner.from === 'primary' ? hedge : primary;
      if (winner.r.ok) {
        (winner.from === 'primary' ? hedgeControl : primaryControl).abort(new CancelledError('hedge lost the race'));
        if (winner.from === 'hedge') onEvent?.('won');
        return winner.r.value;
      }
      const second = await other;
      if (second.ok && winner.from === 'primary') onEvent?.('won');
      return second.ok ? second.value : unwrap(winner.from === 'primary' ? winner.r : second);
    },
  };
}
