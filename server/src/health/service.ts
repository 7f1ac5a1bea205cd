import type { Core } from '@strapi/strapi';
import type { ButtonClientEvents } from '../button-client/events';
import { redactUrl } from '../config/redact-url';
import { getService } from '../utils/get-service';
import { createRecentCalls } from './recent-calls';

/** What the admin's Health page shows: configuration status (never values), breaker, pool and recent calls. */
const healthService = ({ strapi }: { strapi: Core.Strapi }) => {
  const recent = createRecentCalls();

  const events: ButtonClientEvents = {
    onAttempt({ durationMs, outcome, upstreamStatus, message }) {
      if (outcome === 'ABORTED') return; // a hedge we cancelled says nothing about Button
      recent.record({
        at: Date.now(),
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
    snapshot() {
      const button = getService(strapi, 'button');
      const config = button.config();
      const client = button.peek();
      const server =
        strapi.config.get('server.url') || `http://${strapi.config.get('server.host')}:${strapi.config.get('server.port')}`;
      return {
        config: {
          api_key_set: config.apiKey !== undefined,
          webhook_secret_set: config.webhookSecret !== undefined,
          pubref_secret_set: config.pubRefSecret !== undefined,
          base_url: redactUrl(config.baseUrl),
        },
        breaker: client?.breakerState() ?? null,
        pool: client?.poolStats() ?? null,
        upstream: recent.snapshot(Date.now()),
        webhook_url: `${String(server).replace(/\/+$/, '')}/api/button-personalization/webhooks`,
      };
    },
  };
};

export default healthService;
