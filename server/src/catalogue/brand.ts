import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A brand of Button's Merchants API (`GET /v1/merchants`), as the catalogue keeps it. Only what the plugin uses is
 * validated; unknown fields are ignored (Button adds fields without notice), text is bounded, and a URL is kept only
 * when it is http(s): a `javascript:` homepage must never become an entry's CTA, nor a `file:` icon a download.
 * A brand without a usable id or name is refused; a bad optional field is dropped, not the brand. Pure.
 */
export const MERCHANT_ID_PATTERN = /^org-[A-Za-z0-9_-]{1,60}$/;

export interface BrandTerms {
  reporting_window_days: number | null;
  finalization_window_minutes: number | null;
  coupons_allowed: boolean | null;
  gift_cards_allowed: boolean | null;
  exclusion_details: string | null;
  other_terms: string | null;
}

export interface BrandApp {
  os: string;
  scheme: string | null;
}

export interface Brand {
  merchant_id: string;
  name: string;
  description: string | null;
  homepage_url: string | null;
  icon_url: string | null;
  apps: BrandApp[];
  supported_hostnames: string[];
  terms: BrandTerms;
}

const MAX_URL_LENGTH = 2_048;
const MAX_TEXT_LENGTH = 5_000;
const MAX_LIST_LENGTH = 50;

/** Trimmed text cut to `max` characters, or null (absent, empty or not a string). */
const text = (max: number) =>
  z
    .unknown()
    .optional()
    .transform((value) => {
      if (typeof value !== 'string') return null;
      const trimmed = value.trim();
      return trimmed === '' ? null : trimmed.slice(0, max);
    });

/** An absolute http(s) URL, or null. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const url = z.unknown().optional().transform(httpUrl);
const wholeNumber = z
  .unknown()
  .optional()
  .transform((value) => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : null));
const flag = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'boolean' ? value : null));
const object = z
  .unknown()
  .optional()
  .transform((value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}));
const list = z
  .unknown()
  .optional()
  .transform((value) => (Array.isArray(value) ? value.slice(0, MAX_LIST_LENGTH) : []));

const termsSchema = z.object({
  reporting_window_days: wholeNumber,
  finalization_window_minutes: wholeNumber,
  coupons_allowed: flag,
  gift_cards_allowed: flag,
  exclusion_details: text(MAX_TEXT_LENGTH),
  other_terms: text(MAX_TEXT_LENGTH),
});

const appSchema = z.object({ os: text(20), scheme: text(200) });
const hostname = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export const buttonBrandSchema = z.object({
  id: z.string().regex(MERCHANT_ID_PATTERN, 'must be a Button organization id (org-...)'),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .transform((name) => name.slice(0, 200)),
  description: text(MAX_TEXT_LENGTH),
  urls: object.pipe(z.object({ homepage: url })),
  icon_url: url,
  apps: list.transform((apps) =>
    apps.flatMap((app): BrandApp[] => {
      const parsed = appSchema.safeParse(app);
      return parsed.success && parsed.data.os !== null ? [{ os: parsed.data.os, scheme: parsed.data.scheme }] : [];
    })
  ),
  supported_hostnames: list.transform((hosts) =>
    hosts.flatMap((host) => (typeof host === 'string' && hostname.test(host.toLowerCase()) ? [host.toLowerCase()] : []))
  ),
  terms_and_conditions: object.pipe(termsSchema),
});

export type BrandParse = { ok: true; brand: Brand } | { ok: false; merchantId: string | null; reason: string };

/** One object of a Merchants API page, as a Brand, or why not (with its id when that much was readable). */
export function parseBrand(input: unknown): BrandParse {
  const result = buttonBrandSchema.safeParse(input);
  if (!result.success) {
    const id = (input as { id?: unknown } | null)?.id;
    const issue = result.error.issues[0];
    return {
      ok: false,
      merchantId: typeof id === 'string' && MERCHANT_ID_PATTERN.test(id) ? id : null,
      reason: `${issue?.path.join('.') || 'brand'} ${issue?.message ?? 'is invalid'}`,
    };
  }
  const { id, name, description, urls, icon_url, apps, supported_hostnames, terms_and_conditions } = result.data;
  return {
    ok: true,
    brand: {
      merchant_id: id,
      name,
      description,
      homepage_url: urls.homepage,
      icon_url,
      apps,
      supported_hostnames,
      terms: terms_and_conditions,
    },
  };
}

/** A digest of everything stored of a brand: a sync rewrites a row only when it changed. */
export function brandHash(brand: Brand): string {
  const canonical = JSON.stringify([
    brand.merchant_id,
    brand.name,
    brand.description,
    brand.homepage_url,
    brand.icon_url,
    brand.apps.map((app) => [app.os, app.scheme]),
    brand.supported_hostnames,
    [
      brand.terms.reporting_window_days,
      brand.terms.finalization_window_minutes,
      brand.terms.coupons_allowed,
      brand.terms.gift_cards_allowed,
      brand.terms.exclusion_details,
      brand.terms.other_terms,
    ],
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
