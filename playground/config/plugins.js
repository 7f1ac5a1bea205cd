const fs = require('node:fs');
const path = require('node:path');

/**
 * The plugin, loaded from this repository. Every option maps to an environment variable; unset variables
 * fall back to the plugin's own defaults (see the README's configuration reference).
 */
module.exports = ({ env }) => {
  const caFile = env('BUTTON_API_CA_FILE');
  const bool = (name) => (env(name) === undefined ? undefined : env.bool(name));
  const float = (name) => (env(name) === undefined ? undefined : env.float(name));
  return {
    'users-permissions': { config: { jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret') } },
    // Real plugins a publisher may run next to this one: the tests prove the ledger stays out of their APIs.
    graphql: { config: { landingPage: false, defaultLimit: 25, maxLimit: 100, depthLimit: 10 } },
    documentation: {
      config: { 'x-strapi-config': { plugins: ['upload', 'users-permissions', 'button-personalization'] } },
    },
    'button-personalization': {
      enabled: true,
      resolve: path.resolve(__dirname, '../..'),
      config: {
        apiKey: env('BUTTON_API_KEY'),
        baseUrl: env('BUTTON_API_BASE_URL'),
        apiVersion: env('BUTTON_API_VERSION'),
        webhookSecret: env('BUTTON_WEBHOOK_SECRET'),
        pubRefSecret: env('BUTTON_PUBREF_SECRET'),
        pubRefMaxAgeDays: env.int('BUTTON_PUBREF_MAX_AGE_DAYS'),
        timeouts: {
          connectMs: env.int('BUTTON_CONNECT_TIMEOUT_MS'),
          attemptMs: env.int('BUTTON_ATTEMPT_TIMEOUT_MS'),
          deadlineMs: env.int('BUTTON_DEADLINE_MS'),
        },
        retry: {
          maxAttempts: env.int('BUTTON_RETRY_MAX_ATTEMPTS'),
          baseDelayMs: env.int('BUTTON_RETRY_BASE_DELAY_MS'),
          maxDelayMs: env.int('BUTTON_RETRY_MAX_DELAY_MS'),
          budgetRatio: float('BUTTON_RETRY_BUDGET_RATIO'),
          budgetMinPerWindow: env.int('BUTTON_RETRY_BUDGET_MIN_PER_WINDOW'),
          budgetWindowMs: env.int('BUTTON_RETRY_BUDGET_WINDOW_MS'),
        },
        breaker: {
          enabled: bool('BUTTON_BREAKER_ENABLED'),
          windowMs: env.int('BUTTON_BREAKER_WINDOW_MS'),
          minimumRequests: env.int('BUTTON_BREAKER_MIN_REQUESTS'),
          failureRate: float('BUTTON_BREAKER_FAILURE_RATE'),
          consecutiveFailures: env.int('BUTTON_BREAKER_CONSECUTIVE_FAILURES'),
          halfOpenAfterMs: env.int('BUTTON_BREAKER_HALF_OPEN_AFTER_MS'),
          halfOpenProbes: env.int('BUTTON_BREAKER_HALF_OPEN_PROBES'),
          successThreshold: env.int('BUTTON_BREAKER_SUCCESS_THRESHOLD'),
        },
        hedging: {
          enabled: bool('BUTTON_HEDGE_ENABLED'),
          delayMs: env.int('BUTTON_HEDGE_DELAY_MS'),
          percentile: float('BUTTON_HEDGE_PERCENTILE'),
          maxExtraRatio: float('BUTTON_HEDGE_MAX_EXTRA_RATIO'),
        },
        rateLimit: {
          perMinute: env.int('BUTTON_RATE_LIMIT_PER_MINUTE'),
          expectedInstances: env.int('BUTTON_RATE_LIMIT_EXPECTED_INSTANCES'),
          fallbackPerMinute: env.int('BUTTON_RATE_LIMIT_FALLBACK_PER_MINUTE'),
        },
        // Several instances share the Button budget, invalidations and seen merchants through Redis when set.
        redis: {
          url: env('BUTTON_REDIS_URL'),
          keyPrefix: env('BUTTON_REDIS_KEY_PREFIX'),
          commandTimeoutMs: env.int('BUTTON_REDIS_COMMAND_TIMEOUT_MS'),
          retryAfterMs: env.int('BUTTON_REDIS_RETRY_AFTER_MS'),
          connectTimeoutMs: env.int('BUTTON_REDIS_CONNECT_TIMEOUT_MS'),
        },
        access: {
          endUserIdField: env('BUTTON_ACCESS_END_USER_ID_FIELD'),
          endUserEmailHash: bool('BUTTON_ACCESS_END_USER_EMAIL_HASH'),
          assertionSecret: env('BUTTON_ACCESS_ASSERTION_SECRET'),
          assertionMaxTtlSeconds: env.int('BUTTON_ACCESS_ASSERTION_MAX_TTL_SECONDS'),
        },
        fairUse: {
          perApiTokenPerMinute: env.int('BUTTON_FAIR_USE_PER_API_TOKEN_PER_MINUTE'),
          perUserPerMinute: env.int('BUTTON_FAIR_USE_PER_USER_PER_MINUTE'),
          perIpPerMinute: env.int('BUTTON_FAIR_USE_PER_IP_PER_MINUTE'),
          maxTrackedCallers: env.int('BUTTON_FAIR_USE_MAX_TRACKED_CALLERS'),
        },
        pool: {
          connections: env.int('BUTTON_POOL_CONNECTIONS'),
          keepAliveTimeoutMs: env.int('BUTTON_POOL_KEEP_ALIVE_TIMEOUT_MS'),
          keepAlive: bool('BUTTON_POOL_KEEP_ALIVE'),
          warmup: bool('BUTTON_POOL_WARMUP'),
        },
        tls: {
          ca: caFile ? fs.readFileSync(path.resolve(caFile), 'utf8') : undefined,
          rejectUnauthorized: bool('BUTTON_TLS_REJECT_UNAUTHORIZED'),
        },
        shutdown: {
          graceMs: env.int('BUTTON_SHUTDOWN_GRACE_MS'),
        },
        accountsBaseUrl: env('BUTTON_ACCOUNTS_BASE_URL'),
        reconciliation: {
          accountId: env('BUTTON_RECONCILIATION_ACCOUNT_ID'),
          schedule: env('BUTTON_RECONCILIATION_SCHEDULE'),
          windowHours: env.int('BUTTON_RECONCILIATION_WINDOW_HOURS'),
          maxPages: env.int('BUTTON_RECONCILIATION_MAX_PAGES'),
          attemptTimeoutMs: env.int('BUTTON_RECONCILIATION_ATTEMPT_TIMEOUT_MS'),
        },
        retention: {
          rawPayloadDays: env.int('BUTTON_RETENTION_RAW_PAYLOAD_DAYS'),
          schedule: env('BUTTON_RETENTION_SCHEDULE'),
        },
        catalogue: {
          baseUrl: env('BUTTON_CATALOGUE_BASE_URL'),
          schedule: env('BUTTON_CATALOGUE_SCHEDULE'),
          status: env('BUTTON_CATALOGUE_STATUS'),
          maxPages: env.int('BUTTON_CATALOGUE_MAX_PAGES'),
          iconMaxBytes: env.int('BUTTON_CATALOGUE_ICON_MAX_BYTES'),
          iconTimeoutMs: env.int('BUTTON_CATALOGUE_ICON_TIMEOUT_MS'),
          iconPrivateHosts: bool('BUTTON_CATALOGUE_ICON_PRIVATE_HOSTS'),
        },
        hooks: {
          maxAttempts: env.int('BUTTON_HOOKS_MAX_ATTEMPTS'),
          baseDelayMs: env.int('BUTTON_HOOKS_BASE_DELAY_MS'),
          maxDelayMs: env.int('BUTTON_HOOKS_MAX_DELAY_MS'),
          claimMs: env.int('BUTTON_HOOKS_CLAIM_MS'),
        },
        offers: {
          includeUnmapped: bool('BUTTON_OFFERS_INCLUDE_UNMAPPED'),
          defaultHeadlineTemplate: env('BUTTON_OFFERS_DEFAULT_HEADLINE'),
        },
      },
    },
  };
};
