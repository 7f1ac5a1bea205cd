import { webhookResponseSchema } from '../../../server/src/commissions/intake/schema';
import { handleWebhook } from '../../../server/src/commissions/intake/handle';
import { signWebhookBody } from '../../../server/src/commissions/intake/signature';
import { NotConfiguredError } from '../../../server/src/button-client/errors';
import { parsePluginConfig } from '../../../server/src/config/schema';
import type { OffersContentSource } from '../../../server/src/offers/cms-content';
import { toHttpError } from '../../../server/src/offers/http-errors';
import type { MerchantContent } from '../../../server/src/offers/merge';
import { errorResponseSchema, offersResponseSchema } from '../../../server/src/offers/response-schema';
import { createOffersService } from '../../../server/src/offers/service';
import { buttonOffer, createFakeButtonClient } from '../../helpers/service-fakes';

/**
 * The zod schemas the OpenAPI documents are generated from describe what the plugin really answers: a real answer
 * parses, and parsing loses nothing (a field the schema did not know would be stripped, and the comparison fails).
 */
const content: MerchantContent = {
  document_id: 'doc-org-a',
  merchant_id: 'org-a',
  locale: 'en',
  name: 'Alpha',
  description: [{ type: 'paragraph', children: [{ type: 'text', text: 'Shoes' }] }],
  logo: {
    url: '/uploads/alpha.png',
    alternativeText: null,
    width: 64,
    height: 64,
    mime: 'image/png',
    formats: { thumbnail: { url: '/uploads/thumbnail_alpha.png' } },
  },
  cta_label: 'Shop',
  cta_url: 'https://alpha.example',
  terms: null,
  featured: true,
  priority: 3,
  headline_template: 'Up to {rate} back',
};

async function realAnswer() {
  const config = parsePluginConfig({});
  const source: OffersContentSource = {
    readLocaleContent: async () => ({ byMerchant: new Map([[content.merchant_id, content]]) }),
    readLocaleCodes: async () => ['en'],
    watchLocales: () => undefined,
  };
  const service = createOffersService({
    client: () =>
      createFakeButtonClient(() => [
        { merchant_id: 'org-a', offers: [{ ...buttonOffer('offer-a', '4'), display_params: { category: 'Shoes' } }] },
        { merchant_id: 'org-unmapped', offers: [buttonOffer('offer-u', '2')] },
      ]),
    settings: () => ({ ...config.offers, includeUnmapped: true }),
    recordSeen: () => undefined,
    pubRefSecret: 'a-pub-ref-secret-of-at-least-32-chars!!',
    content: source,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
  });
  return service.personalize({ button: { user_id: 'u1' }, locale: 'en' }, { requestId: 'req-1' });
}

describe('offersResponseSchema', () => {
  it("accepts the offers service's real answer and keeps every field of it", async () => {
    const answer = await realAnswer();
    expect(answer.data.map((merchant) => merchant.merchant === null)).toEqual([false, true]); // both shapes covered
    expect(offersResponseSchema.parse(answer)).toEqual(answer);
  });

  it('would notice a field the contract gained', async () => {
    const answer = await realAnswer();
    const grown = { ...answer, data: [{ ...answer.data[0]!, brand_new: true }] };
    expect(offersResponseSchema.parse(grown)).not.toEqual(grown);
  });
});

describe('errorResponseSchema', () => {
  it("accepts the plugin's error envelopes", () => {
    const answer = toHttpError(new NotConfiguredError());
    expect(errorResponseSchema.parse(answer.body)).toEqual(answer.body);
  });
});

describe('webhookResponseSchema', () => {
  it("accepts the webhook's 200 answer", async () => {
    const body = JSON.stringify({
      id: 'hook-1',
      event_type: 'tx-pending',
      data: { id: 'tx-1', status: 'pending', modified_date: '2026-01-02T03:04:05Z' },
    });
    const answer = await handleWebhook(Buffer.from(body), signWebhookBody(body, 'whsec'), {
      webhookSecret: 'whsec',
      record: async () => 'applied',
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    expect(answer.status).toBe(200);
    expect(webhookResponseSchema.parse(answer.body)).toEqual(answer.body);
  });
});
