import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerReason, BreakerState } from '../button-client/breaker';
import type { ButtonErrorCode } from '../button-client/errors';
import type { ButtonClientEvents } from '../button-client/events';
import type { PoolStats } from '../button-client/transport';
import type { SharedStateEvents, SharedStateMode } from '../shared-state';
import { offersRoutes as offersRoutesUnder } from '../utils/paths';

// Dense around Button's ~100 ms average (prom-client's defaults jump from 0.1 s to 0.25 s).
const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.09, 0.1, 0.11, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2.5, 5,
];
const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/*
 * Every label value comes from a fixed set, so no caller and no upstream answer can add a time series: a
 * Prometheus series lives in memory until restart. The type makes this list exhaustive.
 */
const ERROR_CODES: Record<ButtonErrorCode, true> = {
  NOT_CONFIGURED: true,
  UPSTREAM_TIMEOUT: true,
  UPSTREAM_UNREACHABLE: true,
  UPSTREAM_UNAVAILABLE: true,
  RATE_LIMITED: true,
  AUTH_REJECTED: true,
  REQUEST_REJECTED: true,
  INVALID_RESPONSE: true,
  ABORTED: true,
  CIRCUIT_OPEN: true,
  LOCAL_RATE_LIMITED: true,
};
const OTHER = 'other';

/** An HTTP status as a label: a three-digit code (at most 500 values), anything else `other`. */
export function statusLabel(status: number | undefined): string {
  if (status === undefined) return '';
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
}

/** An error code as a label: one of ButtonErrorCode, anything else `other`. */
export function errorCodeLabel(code: string): string {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code) ? code : OTHER;
}

const oneOf = (value: string, allowed: readonly string[]): string => (allowed.includes(value) ? value : OTHER);
const REFUSED_WHAT = ['retry', 'hedge'] as const;
const REFUSED_REASON = ['budget', 'rate-limit'] as const;
const HEDGE_EVENTS = ['sent', 'refused', 'won'] as const;
const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;
const BREAKER_REASONS = [
  'failure-rate',
  'consecutive-failures',
  'probe-due',
  'probe-failed',
  'probes-succeeded',
] as const satisfies readonly BreakerReason[];

export interface MetricsSources {
  serverAddress: () => string;
  poolStats: () => PoolStats | undefined;
  breakerState: () => BreakerState | undefined;
  /** The offers endpoint's routes (public and the admin live preview), the only `http_route` labels. */
  offersRoutes?: readonly string[];
  /** Whether this instance shares state through Redis right now (shared-state/index.ts). */
  sharedMode?: () => SharedStateMode;
  /** The ledger's operations at scrape time: the hook outbox and the last successful reconciliation. */
  ledger?: () => Promise<LedgerOperations>;
}

export interface LedgerOperations {
  hooks: { pending: number; failed: number };
  /** Epoch seconds, or null when no run has succeeded yet. */
  lastReconciliationSuccess: number | null;
}

const SHARED_MODES = ['local', 'connecting', 'shared', 'fallback'] as const satisfies readonly SharedStateMode[];
const DECISION_SOURCES = ['local', 'shared', 'fallback'] as const;
// From a local decision (microseconds) to a Redis round trip (~0.1 ms on a LAN) to the command timeout (50 ms).
const ACQUIRE_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/**
 * The plugin's Prometheus metrics, in a registry of its own (never prom-client's global one, so two Strapi
 * instances in one process, or the app's own metrics, never collide). Names follow OpenTelemetry's HTTP
 * semantic conventions where they exist (`http_client_request_duration_seconds`, one sample per physical
 * attempt) and Prometheus conventions otherwise (`_total`, `_seconds`). No user ids or URLs as labels.
 */
export function createPluginMetrics(sources: MetricsSources) {
  const offersRoutes = sources.offersRoutes ?? Object.values(offersRoutesUnder('/api'));
  const registry = new Registry();
  const registers = [registry];

  const clientDuration = new Histogram({
    name: 'http_client_request_duration_seconds',
    help: 'Duration of each physical call to Button (retries and hedges are separate calls).',
    labelNames: ['http_request_method', 'server_address', 'http_response_status_code', 'error_type', 'hedge'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const attempts = new Counter({
    name: 'button_upstream_attempts_total',
    help: 'Physical calls to Button by outcome (success or error code) and HTTP status.',
    labelNames: ['outcome', 'http_response_status_code'],
    registers,
  });
  const retries = new Counter({
    name: 'button_upstream_retries_total',
    help: 'Retries scheduled, by the error that caused them.',
    labelNames: ['error_type'],
    registers,
  });
  const refusals = new Counter({
    name: 'button_upstream_refusals_total',
    help: 'Retries or hedges that were possible but refused by the retry/hedge budget or the rate limit.',
    labelNames: ['what', 'reason'],
    registers,
  });
  const hedges = new Counter({
    name: 'button_upstream_hedges_total',
    help: 'Hedged calls: sent, refused, and won (the hedge answered first).',
    labelNames: ['event'],
    registers,
  });
  const breakerTransitions = new Counter({
    name: 'button_breaker_transitions_total',
    help: 'Circuit breaker state changes, by the state entered and why (failure-rate, consecutive-failures, probe-...).',
    labelNames: ['state', 'reason'],
    registers,
  });
  const breakerTimeToOpen = new Gauge({
    name: 'button_breaker_time_to_open_seconds',
    help: 'Last trip from closed: seconds from the first failed call after the last success to the breaker opening.',
    labelNames: ['reason'],
    registers,
  });
  const rateLimited = new Counter({
    name: 'button_local_rate_limited_total',
    help: "Offers requests refused before any call to stay under Button's rate limit.",
    registers,
  });
  new Gauge({
    name: 'button_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open (absent when the breaker is disabled).',
    registers,
    collect() {
      const state = sources.breakerState();
      if (state !== undefined) this.set(BREAKER_STATE_VALUE[state]);
    },
  });
  new Gauge({
    name: 'button_pool_connections',
    help: 'Connections in the pool to Button, by state (undici pool stats).',
    labelNames: ['state'],
    registers,
    collect() {
      const stats = sources.poolStats();
      if (stats === undefined) return;
      for (const state of ['connected', 'free', 'pending', 'queued', 'running'] as const) this.set({ state }, stats[state]);
    },
  });
  new Gauge({
    name: 'button_shared_state_mode',
    help:
      'Where the Button budget and invalidations live: 1 for the current mode (local: no Redis configured; shared: ' +
      "Redis; fallback: Redis unreachable, this instance's own share; connecting: before Redis first answered).",
    labelNames: ['mode'],
    registers,
    collect() {
      const current = sources.sharedMode?.() ?? 'local';
      for (const mode of SHARED_MODES) this.set({ mode }, mode === current ? 1 : 0);
    },
  });
  // One database read per scrape, shared by the two gauges below.
  let reading: Promise<LedgerOperations | undefined> | undefined;
  const ledgerOperations = () =>
    (reading ??= (sources.ledger?.() ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    name: 'button_hook_deliveries',
    help:
      'State changes in the ledger outbox not yet delivered to the onStateChange callbacks: pending (to deliver or ' +
      'retry) and failed (gave up after hooks.maxAttempts; an operator must look).',
    labelNames: ['status'],
    registers,
    async collect() {
      const operations = await ledgerOperations();
      if (operations === undefined) return;
      this.set({ status: 'pending' }, operations.hooks.pending);
      this.set({ status: 'failed' }, operations.hooks.failed);
    },
  });
  new Gauge({
    name: 'button_reconciliation_last_success_timestamp_seconds',
    help: "When the last successful reconciliation with Button's Transactions API finished (0 before the first).",
    registers,
    async collect() {
      const operations = await ledgerOperations();
      if (operations?.lastReconciliationSuccess != null) this.set(operations.lastReconciliationSuccess);
    },
  });
  const sharedFallbacks = new Counter({
    name: 'button_shared_state_fallbacks_total',
    help: 'Times this instance lost Redis and fell back to its local share of the Button budget.',
    registers,
  });
  const rateDecisions = new Counter({
    name: 'button_rate_limit_decisions_total',
    help: 'Rate-limit decisions before calls to Button, by where they were taken (local, shared in Redis, fallback).',
    labelNames: ['source', 'outcome'],
    registers,
  });
  const acquireDuration = new Histogram({
    name: 'button_rate_limit_acquire_seconds',
    help: 'Time to take a rate-limit decision before a call to Button (a Redis round trip when shared).',
    labelNames: ['source'],
    buckets: ACQUIRE_BUCKETS,
    registers,
  });
  const serverDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of the offers endpoint, Button call and CMS merge included.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  const events: ButtonClientEvents = {
    onAttempt({ durationMs, outcome, upstreamStatus, hedge }) {
      const status = statusLabel(upstreamStatus);
      const outcomeLabel = outcome === 'success' ? outcome : errorCodeLabel(outcome);
      clientDuration.observe(
        {
          http_request_method: 'POST',
          server_address: sources.serverAddress(),
          http_response_status_code: status,
          error_type: outcome === 'success' ? '' : outcomeLabel,
          hedge: hedge === true ? 'true' : 'false',
        },
        durationMs / 1000
      );
      attempts.inc({ outcome: outcomeLabel, http_response_status_code: status });
    },
    onRetry: ({ error }) => retries.inc({ error_type: errorCodeLabel(error.code) }),
    onRefused: ({ what, reason }) => refusals.inc({ what: oneOf(what, REFUSED_WHAT), reason: oneOf(reason, REFUSED_REASON) }),
    onHedge: (event) => hedges.inc({ event: oneOf(event, HEDGE_EVENTS) }),
    onBreakerStateChange: (state, { reason, timeToOpenMs }) => {
      breakerTransitions.inc({ state: oneOf(state, BREAKER_STATES), reason: oneOf(reason, BREAKER_REASONS) });
      if (timeToOpenMs !== undefined) breakerTimeToOpen.set({ reason: oneOf(reason, BREAKER_REASONS) }, timeToOpenMs / 1000);
    },
    onRateLimited: () => rateLimited.inc(),
  };

  const sharedStateEvents: SharedStateEvents = {
    onDecision: (source, decision, seconds) => {
      const label = oneOf(source, DECISION_SOURCES);
      rateDecisions.inc({ source: label, outcome: decision.allowed ? 'allowed' : 'refused' });
      acquireDuration.observe({ source: label }, seconds);
    },
    onModeChange: ({ mode }) => {
      if (mode === 'fallback') sharedFallbacks.inc();
    },
  };

  return {
    registry,
    events,
    sharedStateEvents,
    observeOffersRequest(route: string, status: number, seconds: number) {
      serverDuration.observe(
        { http_request_method: 'POST', http_route: oneOf(route, offersRoutes), http_response_status_code: statusLabel(status) },
        seconds
      );
    },
  };
}

export type PluginMetrics = ReturnType<typeof createPluginMetrics>;
