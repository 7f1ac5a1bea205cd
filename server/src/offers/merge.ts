import type { ButtonMerchantOffers, ButtonOffer } from '../button-client';
import type { MerchantOffersView, MerchantView, OfferView } from '../contracts/offers';
import { headlineFor } from './headline';

/** CMS content for one merchant, as read from a published, enabled merchant-offer entry. */
export interface MerchantContent extends MerchantView {
  merchant_id: string;
  headline_template: string | null;
}

export interface MergeInput {
  merchantOffers: ButtonMerchantOffers[];
  content: ReadonlyMap<string, MerchantContent>;
  includeUnmapped: boolean;
  locale: string;
  defaultHeadlineTemplate: string;
  /** Swappable: the pubRef codec decides what the frontend hands to the Button SDK for this offer. */
  pubRefFor: (offer: ButtonOffer, merchantId: string) => string;
}

export interface MergeResult {
  data: MerchantOffersView[];
  unmappedMerchantIds: string[];
}

/**
 * Joins Button's live offers with CMS content by `merchant_id` (never by display_params, which brands may
 * change at will). Only merchants Button returned appear: no rate is ever shown without a fresh Button answer.
 * Pure: no Strapi, no I/O.
 */
export function mergeOffers(input: MergeInput): MergeResult {
  const unmappedMerchantIds: string[] = [];
  const merged: Array<{ view: MerchantOffersView; priority: number; bestRank: number; order: number }> = [];

  groupByMerchant(input.merchantOffers).forEach((offers, merchantId) => {
    if (offers.length === 0) return; // nothing live to show for this merchant
    const content = input.content.get(merchantId);
    if (content === undefined) {
      unmappedMerchantIds.push(merchantId);
      if (!input.includeUnmapped) return;
    }
    const ranked = rankOffers(offers);
    const template = content?.headline_template || input.defaultHeadlineTemplate;
    const offerViews: OfferView[] = ranked.map((offer) => ({
      id: offer.id,
      rank: offer.rank,
      rate_percent: offer.rate_percent,
      rate_fixed: offer.rate_fixed,
      currency: offer.currency,
      display_params: offer.display_params,
      headline:
        content === undefined
          ? null
          : headlineFor(template, offer, { name: content.name, merchant_id: merchantId }, input.locale),
      pub_ref: input.pubRefFor(offer, merchantId),
    }));
    merged.push({
      view: {
        merchant_id: merchantId,
        merchant: content === undefined ? null : toMerchantView(content),
        offers: offerViews,
        best_offer_id: ranked.find(isCommissionable)?.id ?? null,
      },
      priority: content?.priority ?? Number.NEGATIVE_INFINITY,
      bestRank: ranked[0]?.rank ?? Number.POSITIVE_INFINITY,
      order: merged.length,
    });
  });

  // CMS priority first (higher first), then Button's best rank, then Button's own order.
  merged.sort((a, b) => b.priority - a.priority || a.bestRank - b.bestRank || a.order - b.order);
  return { data: merged.map((entry) => entry.view), unmappedMerchantIds };
}

/** Button lists each merchant once; should it ever repeat one, its offers are pooled rather than lost. */
function groupByMerchant(merchantOffers: ButtonMerchantOffers[]): Map<string, ButtonOffer[]> {
  const groups = new Map<string, ButtonOffer[]>();
  for (const entry of merchantOffers) {
    const group = groups.get(entry.merchant_id);
    if (group === undefined) groups.set(entry.merchant_id, [...entry.offers]);
    else group.push(...entry.offers);
  }
  return groups;
}

/** By Button's rank, lowest first; offers without a rank keep Button's order after the ranked ones. */
function rankOffers(offers: ButtonOffer[]): ButtonOffer[] {
  return offers
    .map((offer, index) => ({ offer, index }))
    .sort((a, b) => (a.offer.rank ?? Number.POSITIVE_INFINITY) - (b.offer.rank ?? Number.POSITIVE_INFINITY) || a.index - b.index)
    .map(({ offer }) => offer);
}

/** Button's "Exclusion" offers mean 0 / 0%: listed, never promoted as the best offer. */
function isCommissionable(offer: ButtonOffer): boolean {
  return (offer.display_params.offer_type ?? '').toLowerCase() !== 'exclusion';
}

function toMerchantView(content: MerchantContent): MerchantView {
  const { merchant_id: _merchantId, headline_template: _template, ...view } = content;
  return view;
}
