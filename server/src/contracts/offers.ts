/**
 * The public offers endpoint's request and response shapes: shared by the server, the admin panel and the
 * README's reference. `{ data, meta }` on success; Strapi's `{ data: null, error }` envelope on failure.
 */

export interface OffersRequestBody {
  /**
   * The publisher's user id, the same one given to the Button SDK: 1-255 printable ASCII (0x21-0x7E). Required
   * from an API token (a server asking for any user). May be omitted by an end user signed in through Users &
   * Permissions, or by a caller sending a signed user assertion (`X-Button-User-Assertion`): the user id then comes
   * from the session or the assertion, and a `user_id` that differs from it is refused (403, `USER_MISMATCH`).
   */
  user_id?: string;
  /** IDFA / GAID values. */
  device_ids?: string[];
  /** SHA-256 hex of trimmed, lower-cased emails. */
  email_sha256s?: string[];
  /** Plain emails, hashed on the server exactly as Button specifies; never stored or logged. */
  emails?: string[];
  /** Restrict the answer to one brand. */
  merchant_id?: string;
  /** Which locale's CMS content to merge (default: the default locale). */
  locale?: string;
}

export interface MediaView {
  url: string;
  alternativeText: string | null;
  width: number | null;
  height: number | null;
  mime: string | null;
  formats: unknown;
}

export interface MerchantView {
  document_id: string;
  locale: string | null;
  name: string;
  description: unknown;
  logo: MediaView | null;
  cta_label: string | null;
  cta_url: string | null;
  terms: string | null;
  featured: boolean;
  priority: number;
}

export interface OfferView {
  id: string;
  rank: number | null;
  rate_percent: string | null;
  rate_fixed: string | null;
  currency: string | null;
  display_params: Record<string, string>;
  /** The entry's headline template filled from this offer; null when the merchant has no CMS entry. */
  headline: string | null;
  /** What the frontend passes to the Button SDK's PurchasePathRequest `pubRef`. */
  pub_ref: string;
}

export interface MerchantOffersView {
  merchant_id: string;
  merchant: MerchantView | null;
  offers: OfferView[];
  /** The best-ranked commissionable offer (Exclusion offers never are); null when there is none. */
  best_offer_id: string | null;
}

export interface OffersResponseMeta {
  request_id: string;
  fetched_at: string;
  upstream_ms: number;
  attempts: number;
  unmapped_merchant_ids: string[];
}

export interface OffersResponse {
  data: MerchantOffersView[];
  meta: OffersResponseMeta;
}

export interface ErrorResponse {
  data: null;
  error: { status: number; name: string; message: string; details: Record<string, unknown> };
}
