/**
 * The package's types entry (`strapi-plugin-button-personalization/types`): the offers endpoint's public contract
 * and the plugin's configuration, as plain types for the publisher's own code (apps, backends, `config/plugins.ts`).
 * Type-only and self-contained: nothing here imports Strapi or zod, so it compiles in a user's project without
 * `skipLibCheck` (tests/integration/package-entries.test.ts compiles the built package to prove it).
 */
import type { ButtonErrorCode } from '../button-client/errors';
import type { ErrorResponse, OffersRequestBody } from '../contracts/offers';

export type {
  ErrorResponse,
  MediaView,
  MerchantOffersView,
  MerchantView,
  OffersRequestBody,
  OffersResponse,
  OffersResponseMeta,
  OfferView,
} from '../contracts/offers';
export type { ButtonErrorCode } from '../button-client/errors';

/** What `POST /api/button-personalization/offers` takes (and the `buttonOffers` GraphQL query's `input`). */
export type OffersRequest = OffersRequestBody;

/**
 * The access codes: who the caller is and whose offers it may ask for (401, 403), and per-caller fair use (429).
 */
export type OffersAccessErrorCode =
  | 'USER_ASSERTION_REQUIRED' // 401: a public caller sent no X-Button-User-Assertion
  | 'INVALID_ASSERTION' // 401: the assertion is malformed, badly signed, expired or claims too long a lifetime
  | 'ASSERTION_NOT_ACCEPTED' // 401: this Strapi has no access.assertionSecret
  | 'NO_END_USER_ID' // 403: the signed-in user has no value in access.endUserIdField
  | 'USER_MISMATCH' // 403: the body's user_id is not the signed-in user's or the assertion's
  | 'CALLER_RATE_LIMITED'; // 429: this caller's fair-use limit (fairUse.*PerMinute); see Retry-After

/**
 * Every `details.code` the offers endpoint answers with (REST `error.details.code`, GraphQL
 * `extensions.error.details.code`). Validation failures (400) carry `details.errors` instead, and no code unless
 * Button itself refused the request (`REQUEST_REJECTED`).
 */
export type OffersErrorCode = ButtonErrorCode | OffersAccessErrorCode;

/** One refused field of a 400 (`details.errors`). */
export interface OffersValidationIssue {
  path: string[];
  message: string;
  name: 'ValidationError';
}

/** The `details` of an offers error envelope: which fields are set depends on the error. */
export interface OffersErrorDetails {
  code?: OffersErrorCode;
  /** 400: the refused fields (at most a few; `more` counts the rest). */
  errors?: OffersValidationIssue[];
  more?: number;
  /** Calls made to Button before giving up (0: nothing was sent). */
  attempts?: number;
  upstream_status?: number;
  upstream_message?: string;
  /** CALLER_RATE_LIMITED: which of the caller's limits was reached. */
  limit?: 'api-token' | 'user' | 'ip';
  [key: string]: unknown;
}

/** Strapi's error envelope as the offers endpoint answers it (a 4xx or 5xx), with the details typed. */
export interface OffersErrorResponse extends ErrorResponse {
  error: { status: number; name: string; message: string; details: OffersErrorDetails };
}

/** An ioredis connection (5 or later) the app already has: the part the plugin uses. */
export interface RedisConnectionLike {
  readonly status: string;
  duplicate(): RedisConnectionLike;
}

/**
 * The plugin's options (`config/plugins.ts`: `'button-personalization': { config: { ... } satisfies
 * PluginConfigInput }`), every one optional; the README's configuration table gives the defaults. Hand-written
 * from the zod schema in config/schema.ts (whose own types need zod's declarations); tests/unit/public-api keeps
 * the two in step. Secrets and URLs also accept '' and null, meaning "not set", as environment variables give them.
 */
export interface PluginConfigInput {
  apiKey?: string | null | undefined;
  baseUrl?: string | null | undefined;
  apiVersion?: string | undefined;
  accountsBaseUrl?: string | null | undefined;
  webhookSecret?: string | null | undefined;
  pubRefSecret?: string | null | undefined;
  pubRefMaxAgeDays?: number;
  timeouts?: { connectMs?: number; attemptMs?: number; deadlineMs?: number };
  retry?: {
    maxAttempts?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    budgetRatio?: number;
    budgetMinPerWindow?: number;
    budgetWindowMs?: number;
  };
  breaker?: {
    enabled?: boolean;
    windowMs?: number;
    minimumRequests?: number;
    failureRate?: number;
    consecutiveFailures?: number;
    halfOpenAfterMs?: number;
    halfOpenProbes?: number;
    successThreshold?: number;
  };
  hedging?: {
    enabled?: boolean;
    delayMs?: number;
    percentile?: number;
    minDelayMs?: number;
    maxExtraRatio?: number;
    windowMs?: number;
  };
  rateLimit?: { perMinute?: number; expectedInstances?: number; fallbackPerMinute?: number };
  redis?: {
    url?: string | null | undefined;
    connection?: RedisConnectionLike;
    keyPrefix?: string;
    commandTimeoutMs?: number;
    retryAfterMs?: number;
    connectTimeoutMs?: number;
  };
  access?: {
    endUserIdField?: string;
    endUserEmailHash?: boolean;
    assertionSecret?: string | null | undefined;
    assertionMaxTtlSeconds?: number;
  };
  fairUse?: {
    perApiTokenPerMinute?: number;
    perUserPerMinute?: number;
    perIpPerMinute?: number;
    maxTrackedCallers?: number;
  };
  pool?: { connections?: number; keepAliveTimeoutMs?: number; keepAlive?: boolean; warmup?: boolean };
  tls?: { ca?: string | null | undefined; rejectUnauthorized?: boolean };
  shutdown?: { graceMs?: number };
  reconciliation?: {
    accountId?: string | null | undefined;
    schedule?: string | null;
    windowHours?: number;
    maxPages?: number;
    attemptTimeoutMs?: number;
  };
  retention?: { rawPayloadDays?: number; schedule?: string | null };
  catalogue?: {
    baseUrl?: string | null | undefined;
    schedule?: string | null;
    status?: 'approved' | 'pending' | 'available';
    maxPages?: number;
    iconMaxBytes?: number;
    iconTimeoutMs?: number;
    iconPrivateHosts?: boolean;
  };
  hooks?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; claimMs?: number };
  offers?: { includeUnmapped?: boolean; defaultHeadlineTemplate?: string };
}
