import type { ButtonOffer } from '../button-client';

/**
 * Headline templates: editors write "Earn {rate} back at {name}" and each live offer fills it in.
 * Placeholders: {rate} (formatted for the locale), {name}, {category}, {offer_type}, {merchant_id}.
 * An unknown placeholder is left as written, so a typo shows in the preview instead of vanishing silently.
 */

export const HEADLINE_PLACEHOLDERS = ['rate', 'name', 'category', 'offer_type', 'merchant_id'] as const;
type Placeholder = (typeof HEADLINE_PLACEHOLDERS)[number];

export function fillHeadline(template: string, values: Record<Placeholder, string>): string {
  const filled = template.replace(/\{([a-z_]+)\}/g, (match, name: string) =>
    (HEADLINE_PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : match
  );
  // A missing value (no category, say) must not leave a double space or a dangling space behind.
  return filled.replace(/\s{2,}/g, ' ').trim();
}

export function headlineFor(
  template: string,
  offer: ButtonOffer,
  merchant: { name: string; merchant_id: string },
  locale: string
): string {
  return fillHeadline(template, {
    rate: formatRate(offer, locale),
    name: merchant.name,
    category: offer.display_params.category ?? '',
    offer_type: offer.display_params.offer_type ?? '',
    merchant_id: merchant.merchant_id,
  });
}

/** "4.5%" or "$1.00" in the reader's locale, with exactly the precision Button gave (never rounded). */
export function formatRate(offer: Pick<ButtonOffer, 'rate_percent' | 'rate_fixed' | 'currency'>, locale: string): string {
  if (offer.rate_percent !== null) {
    return numberFormat(locale, 'percent', fractionDigits(offer.rate_percent)).format(Number(offer.rate_percent) / 100);
  }
  if (offer.rate_fixed !== null) {
    const digits = Math.max(fractionDigits(offer.rate_fixed), 2);
    if (offer.currency !== null) {
      try {
        return numberFormat(locale, 'currency', digits, offer.currency).format(Number(offer.rate_fixed));
      } catch {
        // Not an ISO 4217 code Intl knows: show the amount and the code as Button sent them.
        return `${offer.rate_fixed} ${offer.currency}`;
      }
    }
    return numberFormat(locale, 'decimal', digits).format(Number(offer.rate_fixed));
  }
  return '';
}

/** Significant fraction digits of a decimal string: "4.50" -> 1, "5" -> 0. Capped at Intl's limit. */
function fractionDigits(decimal: string): number {
  const fraction = decimal.split('.')[1] ?? '';
  return Math.min(fraction.replace(/0+$/, '').length, 20);
}

// Building an Intl.NumberFormat costs far more than using one (it showed in the offers endpoint's profile):
// keep one per locale and options. Few combinations exist (locales x digits x currencies), so the map stays small.
// The key is built from the three options that vary (it runs once per served offer: no JSON.stringify).
const formatters = new Map<string, Intl.NumberFormat>();
const MAX_FORMATTERS = 1_000;

function numberFormat(
  locale: string,
  style: 'percent' | 'currency' | 'decimal',
  digits: number,
  currency?: string
): Intl.NumberFormat {
  const key = `${locale}|${style}|${digits}|${currency ?? ''}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    const options: Intl.NumberFormatOptions = { minimumFractionDigits: digits, maximumFractionDigits: digits };
    if (style !== 'decimal') options.style = style;
    if (currency !== undefined) options.currency = currency;
    formatter = new Intl.NumberFormat(safeLocale(locale), options); // throws RangeError on an unknown currency
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}
