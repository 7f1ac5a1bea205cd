import { createPluginMetrics, errorCodeLabel, statusLabel } from '../../../server/src/metrics/registry';

const metricsUnderTest = () =>
  createPluginMetrics({ serverAddress: () => 'pubapi.usebutton.com', poolStats: () => undefined, breakerState: () => undefined });

/** Distinct label sets a metric holds: what Prometheus keeps in memory until restart. */
async function seriesCount(metrics: ReturnType<typeof metricsUnderTest>, name: string): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  const values = (metric?.values ?? []) as Array<{ labels: Record<string, unknown>; metricName?: string }>;
  return new Set(
    values
      .filter((value) => value.metricName === undefined || value.metricName.endsWith('_count'))
      .map((value) => JSON.stringify(value.labels))
  ).size;
}

describe('metrics labels come from fixed sets', () => {
  it('buckets HTTP statuses: a three-digit code or `other`', () => {
    expect(statusLabel(undefined)).toBe('');
    expect(statusLabel(503)).toBe('503');
    for (const odd of [99, 600, 1e9, -1, 200.5, Number.NaN]) expect(statusLabel(odd)).toBe('other');
  });

  it('keeps error codes to ButtonErrorCode', () => {
    expect(errorCodeLabel('RATE_LIMITED')).toBe('RATE_LIMITED');
    expect(errorCodeLabel('whatever the upstream said')).toBe('other');
    expect(errorCodeLabel('__proto__')).toBe('other');
  });

  it('10,000 odd statuses, codes and routes add a bounded number of series', async () => {
    const metrics = metricsUnderTest();
    for (let i = 0; i < 10_000; i += 1) {
      metrics.events.onAttempt?.({ durationMs: 1, outcome: `CODE_${i}` as never, upstreamStatus: 1_000 + i, hedge: false });
      metrics.events.onRetry?.({ error: { code: `CODE_${i}` } } as never);
      metrics.observeOffersRequest(`/route/${i}`, 1_000 + i, 0.01);
    }
    expect(await seriesCount(metrics, 'http_client_request_duration_seconds')).toBe(1);
    expect(await seriesCount(metrics, 'button_upstream_attempts_total')).toBe(1);
    expect(await seriesCount(metrics, 'button_upstream_retries_total')).toBe(1);
    expect(await seriesCount(metrics, 'http_server_request_duration_seconds')).toBe(1);
  });
});

describe('breaker metrics', () => {
  it('count transitions by state and reason, and keep the last time to open', async () => {
    const metrics = metricsUnderTest();
    metrics.events.onBreakerStateChange?.('open', {
      state: 'open',
      reason: 'consecutive-failures',
      timeToOpenMs: 42,
      failures: 5,
    });
    metrics.events.onBreakerStateChange?.('half-open', { state: 'half-open', reason: 'probe-due' });
    metrics.events.onBreakerStateChange?.('open', { state: 'open', reason: 'whatever' as never });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^button_breaker_transitions_total\{state="open",reason="consecutive-failures"\} 1$/m);
    expect(text).toMatch(/^button_breaker_transitions_total\{state="half-open",reason="probe-due"\} 1$/m);
    expect(text).toMatch(/^button_breaker_transitions_total\{state="open",reason="other"\} 1$/m);
    expect(text).toMatch(/^button_breaker_time_to_open_seconds\{reason="consecutive-failures"\} 0\.042$/m);
  });

  it('show the shared-state mode, count fall-backs, and time rate-limit decisions by source', async () => {
    let mode: 'local' | 'connecting' | 'shared' | 'fallback' = 'shared';
    const metrics = createPluginMetrics({
      serverAddress: () => 'pubapi.usebutton.com',
      poolStats: () => undefined,
      breakerState: () => undefined,
      sharedMode: () => mode,
    });
    const events = metrics.sharedStateEvents;
    events.onDecision?.('shared', { allowed: true }, 0.0002);
    events.onDecision?.('fallback', { allowed: false, retryAfterMs: 10 }, 0.00001);
    events.onDecision?.('made-up' as never, { allowed: true }, 0.001);
    events.onModeChange?.({ mode: 'fallback', previous: 'shared', reason: 'ECONNREFUSED' });
    mode = 'fallback';
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^button_shared_state_mode\{mode="fallback"\} 1$/m);
    expect(text).toMatch(/^button_shared_state_mode\{mode="shared"\} 0$/m);
    expect(text).toMatch(/^button_shared_state_fallbacks_total 1$/m);
    expect(text).toMatch(/^button_rate_limit_decisions_total\{source="shared",outcome="allowed"\} 1$/m);
    expect(text).toMatch(/^button_rate_limit_decisions_total\{source="fallback",outcome="refused"\} 1$/m);
    expect(text).toMatch(/^button_rate_limit_acquire_seconds_bucket\{le="0\.00025",source="shared"\} 1$/m);
    expect(await seriesCount(metrics, 'button_rate_limit_acquire_seconds')).toBeLessThanOrEqual(3);
    expect(text).not.toContain('made-up');
  });
});
