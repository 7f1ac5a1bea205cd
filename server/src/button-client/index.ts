export { createButtonClient, type ButtonClient, type OffersResult } from './client';
export {
  AbortedError,
  AuthRejectedError,
  ButtonError,
  CircuitOpenError,
  createButtonError,
  InvalidResponseError,
  isAbortedError,
  isButtonError,
  isCircuitOpenError,
  isLocalRateLimitedError,
  LocalRateLimitedError,
  NotConfiguredError,
  RequestRejectedError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamUnreachableError,
  type ButtonErrorCode,
} from './errors';
export type { ListClient, NumberedPage } from './list-client';
export type { ListPage } from './response';
export type { RateLimiter, RateDecision } from './rate-limiter';
export type { ButtonMerchantOffers, ButtonOffer, ButtonOffersRequest } from './schemas';
export type { PoolStats } from './transport';
