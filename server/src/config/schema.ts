import { z } from 'zod';

/** The part of an ioredis connection the plugin uses, so an app's own (ioredis 5 or later) can be passed in. */
export interface RedisConnectionLike {
  readonly status: string;
  duplicate(): RedisConnectionLike;
}

function isRedisConnectionLike(value: unknown): value is RedisConnectionLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { duplicate?: unknown }).duplicate === 'function' &&
    typeof (value as { status?: unknown }).status === 'string'
  );
}

export const DEFAULT_BASE_URL = 'https://pubapi.usebutton.com';
/** Button's accounts and transactions APIs live on another host than the Offers API. */
export const DEFAULT_ACCOUNTS_BASE_URL = 'https://api.usebutton.com';
export const DEFAULT_HEADLINE_TEMPLATE = 'Earn {rate} back at {name}';

// Environment variables arrive as '' when set but empty: treat that as "not configured", not as a key.
const optionalSecret = z.preprocess((value) => (value === '' || value === null ? undefined : value), z.string().optional());
const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value);
// A Strapi cron rule (5 or 6 fields); '' or null turns the schedule off.
const cronRule = (fallback: string) =>
  z.preprocess(
    (value) => (value === null ? '' : value),
    z
      .string()
      .trim()
      .regex(/^$|^(\S+\s+){4,5}\S+$/, 'must be a cron rule such as "17 */6 * * *", or empty to turn it off')
      .default(fallback)
  );
const milliseconds = (fallback: number) =>
  z
    .int()
    .positive()
    .max(10 * 60 * 1000)
    .default(fallback);

/**
 * The plugin's configuration. Every default is chosen for Button's Offers API: ~100 ms average latency and
 * 5,000 requests per minute (about 9 calls in flight at the full rate).
 */
export const pluginConfigSchema = z.strictObject({
  apiKey: optionalSecret,
  baseUrl: z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULT_BASE_URL)
  ),
  /** Pins Button's API version (`X-Button-API-Version`); unset uses the account's default. */
  apiVersion: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-01')
      .optional()
  ),
  /**
   * The origin of Button's other APIs: accounts and transactions (reconciliation), merchants. Not the Offers
   * API's (`baseUrl`): Button serves them from api.usebutton.com, with the same key and the same rate limit.
   */
  accountsBaseUrl: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULT_ACCOUNTS_BASE_URL)
  ),
  webhookSecret: optionalSecret,
  pubRefSecret: optionalSecret,
  /**
   * A pubRef used on a transaction created more than this many days after it was issued is flagged stale
   * (`pub_ref_stale`, `pubRefStale` in the hook): Button's attribution windows are days, not months.
   */
  pubRefMaxAgeDays: z.int().min(1).max(3650).default(30),
  timeouts: z
    .strictObject({
      connectMs: milliseconds(1_000), // TCP + TLS to Button: a few round trips
      attemptMs: milliseconds(800), // one attempt: 8x Button's average, well past its tail
      deadlineMs: milliseconds(1_500), // everything one offers request may spend on Button, retries included
    })
    .prefault({}),
  retry: z
    .strictObject({
      maxAttempts: z.int().min(1).max(10).default(3),
      baseDelayMs: z.int().min(0).max(60_000).default(25),
      maxDelayMs: z.int().min(0).max(60_000).default(250),
      /** Retries may not exceed this share of requests over the window: an outage costs Button at most 1.2x. */
      budgetRatio: z.number().min(0).max(1).default(0.2),
      /** Retries always allowed per window, so a quiet instance can still retry. */
      budgetMinPerWindow: z.int().min(0).default(10),
      budgetWindowMs: milliseconds(10_000),
    })
    .prefault({}),
  breaker: z
    .strictObject({
      enabled: z.boolean().default(true),
      windowMs: milliseconds(10_000),
      /** Calls seen in the window before the failure rate is trusted (one early failure must not open it). */
      minimumRequests: z.int().min(1).default(20),
      failureRate: z.number().gt(0).max(1).default(0.5),
      /**
       * Hard failures in a row (connection refused or reset, connect or attempt timeouts; not 4xx, not 503s) that
       * open the breaker whatever the window holds, so a full outage trips it in a few calls instead of seconds of
       * diluted failure rate; any success ends the run. 5: at ~9 calls in flight an outage trips it within its first
       * two or three requests, while sporadic resets (each retried and answered) never line up five in a row.
       * 0 turns this trip off.
       */
      consecutiveFailures: z.int().min(0).max(1000).default(5),
      /** Open for this long, then probe: also the Retry-After given while open. */
      halfOpenAfterMs: milliseconds(5_000),
      halfOpenProbes: z.int().min(1).max(100).default(3),
      successThreshold: z.int().min(1).max(100).default(3),
    })
    .prefault({}),
  hedging: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Fixed hedge delay; unset hedges after the observed `percentile` of recent latencies. */
      delayMs: z.int().positive().max(60_000).optional(),
      percentile: z.number().min(50).max(99.9).default(95),
      minDelayMs: z.int().min(0).default(10),
      /** Extra calls hedging may add, as a share of requests (The Tail at Scale: ~5% after the p95). */
      maxExtraRatio: z.number().min(0).max(1).default(0.05),
      windowMs: milliseconds(10_000),
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      /**
       * Button allows 5,000 calls per minute per organization; the plugin never sends more than this. With `redis`
       * configured this is the whole fleet's budget, shared by every instance; without it, each instance's own.
       */
      perMinute: z.int().positive().default(5_000),
      /**
       * How many instances the fleet runs at most: while Redis is unreachable each instance falls back to a local
       * budget of perMinute / expectedInstances (or `fallbackPerMinute`), so the fleet stays within the budget.
       */
      expectedInstances: z.int().min(1).max(1000).default(1),
      /** The local budget of one instance while Redis is unreachable; overrides perMinute / expectedInstances. */
      fallbackPerMinute: z.int().positive().optional(),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /** `redis://` or `rediss://` URL. Unset (and no `connection`): no shared state, each instance on its own. */
      url: z.preprocess(
        (value) => (value === '' || value === null ? undefined : value),
        z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()
      ),
      /**
       * An ioredis connection the app already has (config/plugins.ts, in code): used for commands, duplicated once
       * for pub/sub, and never closed by the plugin.
       */
      connection: z.custom<RedisConnectionLike>(isRedisConnectionLike, 'must be an ioredis connection').optional(),
      /** Prefixes every key and channel, so several apps (or environments) can share one Redis. */
      keyPrefix: z
        .string()
        .regex(/^[A-Za-z0-9:._{}-]{1,64}$/, 'must be 1-64 letters, digits or : . _ - { }')
        .default('button-personalization:'),
      /**
       * Longest a rate-limit decision may wait on Redis before the instance answers from its local fallback and
       * treats Redis as down (then retried after `retryAfterMs`): a slow Redis never slows an offers request more.
       */
      commandTimeoutMs: z.int().min(1).max(5_000).default(50),
      retryAfterMs: z.int().min(100).max(60_000).default(1_000),
      connectTimeoutMs: z.int().min(100).max(60_000).default(2_000),
    })
    .prefault({}),
  access: z
    .strictObject({
      /**
       * For callers signed in as an end user (Users & Permissions): which of the user's attributes is the Button
       * `user_id`. `documentId` (default) is stable and not guessable; `id` is the numeric row id; any other name
       * is one of your user attributes (a string or a number), e.g. the id your apps already give Button's SDK.
       */
      endUserIdField: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an attribute name')
        .default('documentId'),
      /** Also send Button the SHA-256 of the end user's email, when Users & Permissions says it is confirmed. */
      endUserEmailHash: z.boolean().default(false),
      /**
       * Secret for signed user assertions (`X-Button-User-Assertion`): what a public caller (an app without a Strapi
       * account) presents instead of a `user_id`. Unset: public callers are refused. Secret
       */
      assertionSecret: optionalSecret,
      /** Longest lifetime an assertion may claim: a token expiring later than this from now is refused. */
      assertionMaxTtlSeconds: z.int().min(10).max(86_400).default(3_600),
    })
    .prefault({}),
  fairUse: z
    .strictObject({
      /**
       * Offers requests one caller may make a minute, answered 429 past it before any Button budget is spent, so
       * that one client cannot starve the rest. 0 = no limit. Shared by all instances when Redis is configured.
       */
      // Off by default: a server-side app holding one token is usually the publisher's whole traffic. Set it when
      // several apps (tokens) share the Button budget.
      perApiTokenPerMinute: z.int().min(0).default(0),
      perUserPerMinute: z.int().min(0).default(30), // an end user opening offers twice a second for a minute
      perIpPerMinute: z.int().min(0).default(120), // public callers, per address (set Strapi's server.proxy behind a load balancer)
      /** Callers tracked at once per instance without Redis (least recently seen dropped first). */
      maxTrackedCallers: z.int().min(100).max(1_000_000).default(10_000),
    })
    .prefault({}),
  pool: z
    .strictObject({
      /** Upper bound on sockets to Button: ~9 in flight at the full rate, with headroom for latency spikes. */
      connections: z.int().min(1).max(1024).default(16),
      /**
       * How long a pooled socket may sit idle before we close it. Long enough to keep the pool through steady
       * traffic and its lulls (each reopened socket costs a TCP + TLS handshake, and at 4 s a 60 req/s soak reopened
       * 100), below the 60 s idle timeout of common load balancers (AWS ALB 60 s, nginx 75 s) so we close first.
       * Button does not document its own; a server that announces a shorter one (`Keep-Alive: timeout=N`, as Node
       * does) lowers it to N s minus a 2 s margin, never raises it past this. A socket the server closed anyway is
       * retried at once on a fresh one (errors.ts, `immediateRetry`).
       */
      keepAliveTimeoutMs: milliseconds(30_000), // 30 s
      /** false opens a new connection per call, as Button's official Node client does: for comparison only. */
      keepAlive: z.boolean().default(true),
      /** Open a connection at boot so the first user request does not pay the TCP + TLS handshake. */
      warmup: z.boolean().default(true),
    })
    .prefault({}),
  tls: z
    .strictObject({
      /** Extra CA certificate(s), PEM: for a proxy or the local simulator, never needed for Button itself. */
      ca: optionalSecret,
      rejectUnauthorized: z.boolean().default(true),
    })
    .prefault({}),
  shutdown: z
    .strictObject({
      /**
       * On SIGTERM (or strapi.destroy()), requests in flight get this long to finish before the Button pool closes
       * and Strapi cuts what is left. Keep it below the orchestrator's kill timeout (Kubernetes: 30 s by default).
       */
      graceMs: z
        .int()
        .min(0)
        .max(10 * 60 * 1000)
        .default(10_000), // 10 s: far above an offers call's 1.5 s deadline
    })
    .prefault({}),
  reconciliation: z
    .strictObject({
      /**
       * The Button account whose transactions are reconciled with the ledger (`GET /v1/affiliation/accounts` lists
       * yours; the Commissions page shows them). Unset: no scheduled reconciliation.
       */
      accountId: z.preprocess(
        blankToUndefined,
        z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be a Button account id such as acc-XXX')
          .optional()
      ),
      /** When to run (Strapi cron, server time); '' = only on demand. Every six hours by default. */
      schedule: cronRule('17 */6 * * *'),
      /**
       * How far back each run looks, by `modified_date`. Button retries a webhook for 3 days: four days catch
       * everything it gave up on, and each run overlaps the previous ones (a missed run is caught by the next).
       */
      windowHours: z
        .int()
        .min(1)
        .max(24 * 90)
        .default(96),
      /** Pages one run reads at most (a bound, not a target): a larger backlog is finished by the next runs. */
      maxPages: z.int().min(1).max(100_000).default(1_000),
      /** One page's timeout: a background job, not the request path. */
      attemptTimeoutMs: milliseconds(15_000),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** Raw webhook payloads (events and transactions) are removed after this many days; the ledger's fields stay. */
      rawPayloadDays: z.int().min(1).max(3_650).default(90),
      /** When the retention job runs (Strapi cron); '' = never. Daily by default. */
      schedule: cronRule('43 3 * * *'),
    })
    .prefault({}),
  catalogue: z
    .strictObject({
      /**
       * The origin of Button's Merchants API (the brand catalogue), when it is not `accountsBaseUrl`'s. Unset: the
       * catalogue is read from `accountsBaseUrl`, on the same connections as reconciliation.
       */
      baseUrl: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
      /** When to sync it (Strapi cron, server time); '' = only on demand. Daily by default: it is static data. */
      schedule: cronRule('29 4 * * *'),
      /** Which brands: those the publisher is partnered with (`approved`), or `pending` / `available` ones. */
      status: z
        .enum(['approved', 'pending', 'available'], { error: 'must be approved, pending or available' })
        .default('approved'),
      /** Pages one sync reads at most; a catalogue larger than that is not marked complete (nothing is removed). */
      maxPages: z.int().min(1).max(10_000).default(200),
      /** Largest brand icon the import downloads. */
      iconMaxBytes: z
        .int()
        .min(1_024)
        .max(20 * 1024 * 1024)
        .default(1024 * 1024), // 1 MB: an icon is a few KB
      /** How long an icon download may take, connection included. */
      iconTimeoutMs: milliseconds(10_000),
      /**
       * Allow icon hosts on private networks (loopback, 10/8, 192.168/16, link-local...). Off: an icon URL in the
       * catalogue cannot make the server reach into its own network. On for a local simulator or an internal mirror.
       */
      iconPrivateHosts: z.boolean().default(false),
    })
    .prefault({}),
  hooks: z
    .strictObject({
      /** Deliveries of one state change to a failing `onStateChange` callback before it is left for an operator. */
      maxAttempts: z.int().min(1).max(100).default(12),
      /** First retry delay; doubled each attempt (full jitter), up to `maxDelayMs`. */
      baseDelayMs: milliseconds(1_000),
      maxDelayMs: z
        .int()
        .positive()
        .max(24 * 3_600_000)
        .default(3_600_000),
      /**
       * How long an instance holds a change it is delivering: longer than your callbacks take. When an instance dies
       * mid-delivery, another one (or the restarted one) delivers the change again after this.
       */
      claimMs: z.int().min(1_000).max(3_600_000).default(60_000),
    })
    .prefault({}),
  offers: z
    .strictObject({
      /** Include merchants Button returns but the CMS does not map, with `merchant: null`. */
      includeUnmapped: z.boolean().default(false),
      /** Used when an entry has no headline template of its own. */
      defaultHeadlineTemplate: z.string().max(500).default(DEFAULT_HEADLINE_TEMPLATE),
    })
    .prefault({}),
});

export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
export type PluginConfig = z.output<typeof pluginConfigSchema>;

export class PluginConfigError extends Error {
  readonly code = 'INVALID_PLUGIN_CONFIG';
}

/** Parses raw plugin config; throws an error naming every bad option, and never echoing a value. */
export function parsePluginConfig(raw: unknown): PluginConfig {
  const result = pluginConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const option = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
    return `"${option}"${keys}: ${issue.message}`;
  });
  throw new PluginConfigError(`Invalid button-personalization plugin config: ${problems.join('; ')}`);
}
