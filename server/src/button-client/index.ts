export { createButtonClient, type ButtonClient, type OffersResult } from './client';
export { ButtonError, isButtonError, type ButtonErrorCode } from './errors';
export type { ButtonMerchantOffers, ButtonOffer, ButtonOffersRequest } from './schemas';
export type { PoolStats } from './transport';
