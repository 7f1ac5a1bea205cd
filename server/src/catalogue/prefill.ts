import type { DraftPrefill } from '../merchants/draft-permission';
import type { Brand, BrandTerms } from './brand';

/**
 * What "create entry" prefills from a catalogue brand: its name, its description as Strapi blocks, its homepage
 * as the CTA URL and its terms as text. Editors review it as a draft before anything is published. Pure.
 */
const NAME_MAX = 120; // merchant-offer's name
const MINUTES_PER_DAY = 24 * 60;

export function prefillFromBrand(brand: Pick<Brand, 'name' | 'description' | 'homepage_url' | 'terms'>): DraftPrefill {
  const terms = termsText(brand.terms);
  return {
    name: brand.name.slice(0, NAME_MAX),
    ...(brand.description === null ? {} : { description: paragraphs(brand.description) }),
    ...(brand.homepage_url === null ? {} : { cta_url: brand.homepage_url }),
    ...(terms === '' ? {} : { terms }),
  };
}

/** Plain text as blocks: one paragraph per blank-line-separated part. */
export function paragraphs(text: string): DraftPrefill['description'] & object {
  return text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => ({ type: 'paragraph' as const, children: [{ type: 'text' as const, text: part }] }));
}

/** Button's terms and conditions as a few sentences, in the order a reader needs them. */
export function termsText(terms: BrandTerms): string {
  const lines: string[] = [];
  if (terms.reporting_window_days !== null)
    lines.push(`Purchases are reported within ${plural(terms.reporting_window_days, 'day')}.`);
  if (terms.finalization_window_minutes !== null)
    lines.push(`Rewards are confirmed after ${duration(terms.finalization_window_minutes)}.`);
  if (terms.coupons_allowed !== null) lines.push(terms.coupons_allowed ? 'Coupons may be used.' : 'Coupons may not be used.');
  if (terms.gift_cards_allowed !== null)
    lines.push(terms.gift_cards_allowed ? 'Gift card purchases qualify.' : 'Gift card purchases do not qualify.');
  if (terms.exclusion_details !== null) lines.push(`Exclusions: ${terms.exclusion_details}`);
  if (terms.other_terms !== null) lines.push(terms.other_terms);
  return lines.join('\n');
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

function duration(minutes: number): string {
  if (minutes % MINUTES_PER_DAY === 0) return plural(minutes / MINUTES_PER_DAY, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}
