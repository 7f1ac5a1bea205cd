import { z } from 'zod';
import type {
  ErrorResponse,
  MediaView,
  MerchantOffersView,
  MerchantView,
  OfferView,
  OffersResponse,
  OffersResponseMeta,
} from '../contracts/offers';

/**
 * The offers endpoint's answers as zod schemas, for the OpenAPI documents only (routes/content-api.ts declares them
 * for `strapi openapi generate`; documentation/override.ts turns them into @strapi/plugin-documentation paths):
 * nothing validates answers at runtime. contracts/offers.ts stays the source of the types; the checks at the
 * bottom fail the build if the two drift apart.
 */

/**
 * `Record<string, T>`, as an object with a catch-all rather than `z.record`: @strapi/openapi converts with its own
 * zod (4.4), which cannot process a 4.6 `z.record` (it fails the whole `strapi openapi generate`).
 */
const stringMap = <T extends z.ZodType>(value: T) => z.object({}).catchall(value);

const mediaViewSchema = z.object({
  url: z.string(),
  alternativeText: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  mime: z.string().nullable(),
  formats: z.unknown().meta({ description: "The upload plugin's formats (thumbnail, small...), as it stores them" }),
});

const merchantViewSchema = z.object({
  document_id: z.string(),
  locale: z.string().nullable(),
  name: z.string(),
  description: z.unknown().meta({ description: "The merchant entry's rich text (blocks), as Strapi stores it" }),
  logo: mediaViewSchema.nullable(),
  cta_label: z.string().nullable(),
  cta_url: z.string().nullable(),
  terms: z.string().nullable(),
  featured: z.boolean(),
  priority: z.number(),
});

const offerViewSchema = z.object({
  id: z.string(),
  rank: z.number().nullable(),
  rate_percent: z.string().nullable().meta({ description: 'A decimal string, as Button sends it (e.g. "4.5")' }),
  rate_fixed: z.string().nullable().meta({ description: 'A decimal string, in `currency`' }),
  currency: z.string().nullable(),
  display_params: stringMap(z.string()),
  headline: z
    .string()
    .nullable()
    .meta({ description: "The entry's headline template filled from this offer; null when the merchant has no CMS entry" }),
  pub_ref: z.string().meta({ description: "What the frontend passes to the Button SDK's PurchasePathRequest `pubRef`" }),
});

const merchantOffersViewSchema = z.object({
  merchant_id: z.string(),
  merchant: merchantViewSchema.nullable().meta({ description: "The merchant's CMS entry; null when it has none" }),
  offers: z.array(offerViewSchema),
  best_offer_id: z
    .string()
    .nullable()
    .meta({ description: 'The best-ranked commissionable offer (Exclusion offers never are); null when there is none' }),
});

const offersResponseMetaSchema = z.object({
  request_id: z.string(),
  fetched_at: z.iso.datetime(),
  upstream_ms: z.number().meta({ description: "Button's answer time, in milliseconds" }),
  attempts: z.int().min(1),
  unmapped_merchant_ids: z.array(z.string()).meta({ description: 'Merchants Button offered that have no CMS entry' }),
});

/** The 200 answer of POST /offers. */
export const offersResponseSchema = z
  .object({ data: z.array(merchantOffersViewSchema), meta: offersResponseMetaSchema })
  .meta({ description: 'Live offers merged with the CMS content of the requested locale' });

/** Strapi's error envelope: every non-2xx answer of the plugin's routes. */
export const errorResponseSchema = z
  .object({
    data: z.null(),
    error: z.object({
      status: z.int(),
      name: z.string().meta({ description: 'ValidationError, UnauthorizedError, ForbiddenError, RateLimitError...' }),
      message: z.string(),
      details: stringMap(z.unknown()).meta({
        description: 'Per-field `errors` on a 400 ValidationError; `code` and `attempts` on upstream failures',
      }),
    }),
  })
  .meta({ description: "Strapi's error envelope" });

// Compile-time: each schema's type is exactly the contract's (both directions), so neither can drift alone.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exactly = <A, B>(check: Exactly<A, B>): Exactly<A, B> => check;
export const CONTRACT_CHECKS = [
  exactly<z.output<typeof mediaViewSchema>, MediaView>(true),
  exactly<z.output<typeof merchantViewSchema>, MerchantView>(true),
  exactly<z.output<typeof offerViewSchema>, OfferView>(true),
  exactly<z.output<typeof merchantOffersViewSchema>, MerchantOffersView>(true),
  exactly<z.output<typeof offersResponseMetaSchema>, OffersResponseMeta>(true),
  exactly<z.output<typeof offersResponseSchema>, OffersResponse>(true),
  exactly<z.output<typeof errorResponseSchema>, ErrorResponse>(true),
] as const;
