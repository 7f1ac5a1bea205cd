import { z } from 'zod';

/**
 * Button's Offers API response, validated at the edge. Unknown fields are accepted everywhere (Button may add
 * fields at any time); only what the plugin uses is checked, and the output is normalised so that the rest
 * of the code never sees `undefined` vs `null` differences.
 */

// Rates are decimal strings. A number is tolerated (and kept exact as written) rather than failing a user's
// whole response over a representation change; anything else is an invalid response.
const decimal = z.union([
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string'),
  z
    .number()
    .finite()
    .transform((value) => String(value)),
]);

const displayParams = z
  .record(z.string(), z.unknown())
  .nullish()
  // display_params is a string map for rendering; a non-string value is dropped, not trusted.
  .transform((params) =>
    Object.fromEntries(Object.entries(params ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  );

export const buttonOfferSchema = z
  .looseObject({
    id: z.string().min(1),
    rank: z.number().finite().nullish(),
    rate_percent: decimal.nullish(),
    rate_fixed: decimal.nullish(),
    currency: z.string().trim().min(1).nullish(),
    display_params: displayParams,
  })
  .transform((offer) => ({
    id: offer.id,
    rank: offer.rank ?? null,
    rate_percent: offer.rate_percent ?? null,
    rate_fixed: offer.rate_fixed ?? null,
    currency: offer.currency ?? null,
    display_params: offer.display_params,
  }));

export const buttonMerchantOffersSchema = z.looseObject({
  merchant_id: z.string().min(1),
  offers: z.array(buttonOfferSchema),
});

export const buttonOffersSuccessSchema = z.looseObject({
  meta: z.looseObject({ status: z.literal('ok') }),
  object: z.looseObject({ merchant_offers: z.array(buttonMerchantOffersSchema) }),
});

/**
 * Button's list envelope (accounts, transactions, merchants): `meta.next` is the next page's URL (or null). The
 * objects are validated by whoever reads them, field by field: Button adds fields.
 */
export const buttonListSuccessSchema = z.looseObject({
  meta: z.looseObject({ status: z.literal('ok'), next: z.string().nullish(), previous: z.string().nullish() }),
  objects: z.array(z.unknown()),
});

/** Button's error envelope; every part optional because 429/5xx bodies are undocumented. */
export const buttonErrorEnvelopeSchema = z.looseObject({
  meta: z.looseObject({ status: z.string().optional() }).optional(),
  error: z.looseObject({ message: z.string().optional(), type: z.string().optional() }).optional(),
});

export type ButtonOffer = z.output<typeof buttonOfferSchema>;
export type ButtonMerchantOffers = z.output<typeof buttonMerchantOffersSchema>;

/** What the plugin sends to `POST /v1/offers` (already validated and normalised by the offers edge). */
export interface ButtonOffersRequest {
  user_id: string;
  device_ids?: string[];
  email_sha256s?: string[];
  merchant_id?: string;
}
