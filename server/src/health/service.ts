import type { ButtonClient } from '../button-client/client';
import type { ButtonClientEvents } from '../button-client/events';
import type { PluginConfig } from '../config/schema';
import { redactUrl } from '../config/redact-url';
import type { SharedStateStatus } from '../shared-state';
import { createRecentCalls } from './recent-calls';

export interface HealthServiceDeps {
  /** Only whether secrets are set is shown, never their values. */
  config: Pick<PluginConfig, 'apiKey' | 'webhookSecret' | 'pubRefSecret' | 'baseUrl'>;
  /** The Button client if it exists yet (reading health never creates it). */
  client: () => Pick<ButtonClient, 'breakerState' | 'poolStats'> | undefined;
  /** Whether the Button budget and invalidations are shared through Redis right now. */
  sharedState?: () => SharedStateStatus;
  /** Where Button must send webhooks, under the app's REST prefix (see utils/paths.ts). */
  webhookUrl: () => string;
  now?: () => number;
}

/** What the admin's Health page shows: configuration status (never values), breaker, pool and recent calls. */
export function createHealthService(deps: HealthServiceDeps) {
  const now = deps.now ?? Date.now;
  const recent = createRecentCalls();

  const events: ButtonClientEvents = {
    onAttempt({ durationMs, outcome, upstreamStatus, message }) {
      if (outcome === 'ABORTED') return; // a hedge we cancelled says nothing about Button
      recent.record({
        at: now(),
        durationMs,
        ok: outcome === 'success',
        code: outcome === 'success' ? undefined : outcome,
        upstreamStatus,
        message,
      });
    },
  };

  return {
    events,
    /** The admin contract's HealthSnapshot is derived from this (contracts/admin.ts). */
    snapshot() {
      const { config } = deps;
      const client = deps.client();
      return {
        config: {
          api_key_set: config.apiKey !== undefined,
          webhook_secret_set: config.webhookSecret !== undefined,
          pubref_secret_set: config.pubRefSecret !== undefined,
          base_url: redactUrl(config.baseUrl),
        },
        breaker: client?.breakerState() ?? null,
        pool: client?.poolStats() ?? null,
        upstream: recent.snapshot(now()),
        shared_state: deps.sharedState?.() ?? null,
        webhook_url: deps.webhookUrl(),
      };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
