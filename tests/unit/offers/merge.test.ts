import type { ButtonMerchantOffers } from '../../../server/src/button-client';
import { mergeOffers, type MerchantContent } from '../../../server/src/offers/merge';

const offer = (id: string, rank: number | null, rate: string, displayParams: Record<string, string> = {}) => ({
  id,
  rank,
  rate_percent: rate,
  rate_fixed: null,
  currency: null,
  display_params: displayParams,
});

const content = (merchantId: string, priority: number, template: string | null = null): MerchantContent => ({
  document_id: `doc-${merchantId}`,
  merchant_id: merchantId,
  locale: 'en',
  name: `Name of ${merchantId}`,
  description: null,
  logo: null,
  cta_label: 'Shop',
  cta_url: null,
  terms: null,
  featured: false,
  priority,
  headline_template: template,
});

const base = {
  includeUnmapped: false,
  locale: 'en',
  defaultHeadlineTemplate: 'Earn {rate} at {name}',
  pubRefFor: (o: { id: string }, merchantId: string) => `${merchantId}:${o.id}`,
};

describe('mergeOffers', () => {
  const button: ButtonMerchantOffers[] = [
    { merchant_id: 'org-a', offers: [offer('a2', 2, '1'), offer('a1', 1, '3')] },
    { merchant_id: 'org-b', offers: [offer('b1', 3, '2')] },
    { merchant_id: 'org-c', offers: [offer('c1', 1, '5')] },
    { merchant_id: 'org-x', offers: [offer('x1', 1, '9')] },
    { merchant_id: 'org-empty', offers: [] },
  ];
  const cms = new Map([
    ['org-a', content('org-a', 1)],
    ['org-b', content('org-b', 10, 'Up to {rate} at {name}!')],
    ['org-c', content('org-c', 1)],
    ['org-empty', content('org-empty', 100)],
    ['org-cms-only', content('org-cms-only', 1000)],
  ]);

  it('joins by merchant_id, orders by priority then best rank, and offers by rank', () => {
    const { data, unmappedMerchantIds } = mergeOffers({ ...base, merchantOffers: button, content: cms });
    expect(data.map((entry) => entry.merchant_id)).toEqual(['org-b', 'org-a', 'org-c']);
    expect(data[1]?.offers.map((o) => o.id)).toEqual(['a1', 'a2']);
    expect(unmappedMerchantIds).toEqual(['org-x']);
  });

  it('never returns a CMS entry without a live offer', () => {
    const { data } = mergeOffers({ ...base, merchantOffers: button, content: cms });
    const ids = data.map((entry) => entry.merchant_id);
    expect(ids).not.toContain('org-cms-only');
    expect(ids).not.toContain('org-empty');
  });

  it('fills headlines from the entry template or the default one, and sets pub_ref and best_offer_id', () => {
    const { data } = mergeOffers({ ...base, merchantOffers: button, content: cms });
    const [b, a] = data;
    expect(b).toMatchObject({
      merchant: { name: 'Name of org-b', document_id: 'doc-org-b', priority: 10 },
      best_offer_id: 'b1',
      offers: [{ id: 'b1', headline: 'Up to 2% at Name of org-b!', pub_ref: 'org-b:b1' }],
    });
    expect(a?.offers[0]?.headline).toBe('Earn 3% at Name of org-a');
    expect(b?.merchant).not.toHaveProperty('headline_template');
    expect(b?.merchant).not.toHaveProperty('merchant_id');
  });

  it('includes unmapped merchants with merchant: null when configured, after mapped ones of any priority', () => {
    const { data, unmappedMerchantIds } = mergeOffers({ ...base, includeUnmapped: true, merchantOffers: button, content: cms });
    expect(data.map((entry) => entry.merchant_id)).toEqual(['org-b', 'org-a', 'org-c', 'org-x']);
    expect(data[3]).toMatchObject({
      merchant: null,
      best_offer_id: 'x1',
      offers: [{ id: 'x1', headline: null, pub_ref: 'org-x:x1' }],
    });
    expect(unmappedMerchantIds).toEqual(['org-x']);
  });

  it('breaks priority ties by best rank, then by Button order', () => {
    const tied: ButtonMerchantOffers[] = [
      { merchant_id: 'org-1', offers: [offer('1', 2, '1')] },
      { merchant_id: 'org-2', offers: [offer('2', 1, '1')] },
      { merchant_id: 'org-3', offers: [offer('3', 2, '1')] },
    ];
    const sameCms = new Map(['org-1', 'org-2', 'org-3'].map((id) => [id, content(id, 0)]));
    expect(mergeOffers({ ...base, merchantOffers: tied, content: sameCms }).data.map((entry) => entry.merchant_id)).toEqual([
      'org-2',
      'org-1',
      'org-3',
    ]);
  });

  it('never names an Exclusion offer the best offer, whatever its case', () => {
    const excluded: ButtonMerchantOffers[] = [
      { merchant_id: 'org-a', offers: [offer('ex', 1, '0', { offer_type: 'EXCLUSION' }), offer('ok', 2, '2')] },
      { merchant_id: 'org-c', offers: [offer('only-ex', 1, '0', { offer_type: 'exclusion' })] },
    ];
    const { data } = mergeOffers({ ...base, merchantOffers: excluded, content: cms });
    expect(data.map((entry) => [entry.merchant_id, entry.best_offer_id])).toEqual([
      ['org-a', 'ok'],
      ['org-c', null],
    ]);
  });

  it('puts unranked offers after ranked ones, in Button order, and pools a repeated merchant', () => {
    const odd: ButtonMerchantOffers[] = [
      { merchant_id: 'org-a', offers: [offer('u1', null, '1'), offer('r2', 2, '1')] },
      { merchant_id: 'org-a', offers: [offer('u2', null, '1'), offer('r1', 1, '1')] },
    ];
    const { data } = mergeOffers({ ...base, merchantOffers: odd, content: cms });
    expect(data).toHaveLength(1);
    expect(data[0]?.offers.map((o) => o.id)).toEqual(['r1', 'r2', 'u1', 'u2']);
  });
});
