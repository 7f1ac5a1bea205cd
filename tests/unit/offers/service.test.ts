import { NotConfiguredError } from '../../../server/src/button-client/errors';
import { parsePluginConfig } from '../../../server/src/config/schema';
import type { OffersContentSource } from '../../../server/src/offers/cms-content';
import type { MerchantContent } from '../../../server/src/offers/merge';
import { createOffersService, type OffersServiceDeps } from '../../../server/src/offers/service';
import type { OffersSettings } from '../../../server/src/settings/runtime-settings';
import { buttonOffer, createFakeButtonClient } from '../../helpers/service-fakes';

const entry = (merchantId: string, locale: string, name: string): MerchantContent => ({
  document_id: `doc-${merchantId}-${locale}`,
  merchant_id: merchantId,
  locale,
  name,
  description: null,
  logo: null,
  cta_label: null,
  cta_url: null,
  terms: null,
  featured: false,
  priority: 0,
  headline_template: null,
});

/** A CMS with two locales; counts reads, and lets a test fire i18n's "locales changed". */
function createFakeContent() {
  const byLocale: Record<string, MerchantContent[]> = {
    en: [entry('org-a', 'en', 'Alpha')],
    fr: [entry('org-a', 'fr', 'Alpha FR')],
  };
  const reads: Array<string | undefined> = [];
  let onLocalesChange: () => void = () => undefined;
  const source: OffersContentSource = {
    async readLocaleContent(locale) {
      reads.push(locale);
      return { byMerchant: new Map((byLocale[locale ?? 'en'] ?? []).map((content) => [content.merchant_id, content])) };
    },
    readLocaleCodes: async () => Object.keys(byLocale),
    watchLocales(listener) {
      onLocalesChange = listener;
    },
  };
  return { source, byLocale, reads, localesChanged: () => onLocalesChange() };
}

function setup(overrides: Partial<OffersServiceDeps> = {}) {
  const config = parsePluginConfig({});
  const client = createFakeButtonClient(() => [
    { merchant_id: 'org-a', offers: [buttonOffer('offer-a', '4')] },
    { merchant_id: 'org-unmapped', offers: [buttonOffer('offer-u', '2')] },
  ]);
  const content = createFakeContent();
  const seen: string[][] = [];
  let settings: OffersSettings = { ...config.offers };
  const service = createOffersService({
    client: () => client,
    settings: () => settings,
    recordSeen: (ids) => seen.push([...ids]),
    pubRefSecret: undefined,
    content: content.source,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...overrides,
  });
  return { service, client, content, seen, setSettings: (next: OffersSettings) => (settings = next) };
}

describe('offers service', () => {
  it('asks Button every time, merges with the CMS content of the locale, and says what it did', async () => {
    const { service, client, seen } = setup();
    const answer = await service.personalize({ button: { user_id: 'u1' }, locale: 'en' }, { requestId: 'req-1' });
    expect(client.requests).toEqual([{ user_id: 'u1' }]);
    expect(answer.data.map((merchant) => [merchant.merchant_id, merchant.merchant?.name])).toEqual([['org-a', 'Alpha']]);
    expect(answer.meta).toEqual({
      request_id: 'req-1',
      fetched_at: '2026-01-02T03:04:05.000Z',
      upstream_ms: 12.3,
      attempts: 1,
      unmapped_merchant_ids: ['org-unmapped'],
    });
    expect(seen).toEqual([['org-a', 'org-unmapped']]);

    await service.personalize({ button: { user_id: 'u1' }, locale: 'en' }, { requestId: 'req-2' });
    expect(client.requests).toHaveLength(2); // rates are never cached
  });

  it("reads a locale's content once, until a merchant offer changes", async () => {
    const { service, content } = setup();
    const query = { button: { user_id: 'u' }, locale: 'fr' };
    const first = await service.personalize(query, { requestId: 'r' });
    await service.personalize(query, { requestId: 'r' });
    expect(first.data[0]?.merchant?.name).toBe('Alpha FR');
    expect(content.reads).toEqual(['fr']);
    expect(service.contentCacheSize()).toBe(1);

    content.byLocale.fr = [entry('org-a', 'fr', 'Alpha FR (edited)')];
    service.invalidateContent();
    const edited = await service.personalize(query, { requestId: 'r' });
    expect(edited.data[0]?.merchant?.name).toBe('Alpha FR (edited)');
    expect(content.reads).toEqual(['fr', 'fr']);
  });

  it('resolves locales case-insensitively, and sees locales created in this process at once', async () => {
    const { service, content } = setup();
    await expect(service.resolveLocale('FR')).resolves.toBe('fr');
    await expect(service.resolveLocale('de')).resolves.toBeUndefined();

    content.byLocale['de'] = [];
    content.localesChanged();
    await expect(service.resolveLocale('DE')).resolves.toBe('de');
  });

  it('follows the effective settings on each request (an admin save applies to the next one)', async () => {
    const { service, setSettings } = setup();
    const query = { button: { user_id: 'u' }, locale: 'en' };
    expect((await service.personalize(query, { requestId: 'r' })).data).toHaveLength(1);
    setSettings({ includeUnmapped: true, defaultHeadlineTemplate: 'Get {rate} at {name}' });
    const answer = await service.personalize(query, { requestId: 'r' });
    expect(answer.data.map((merchant) => merchant.merchant_id).sort()).toEqual(['org-a', 'org-unmapped']);
  });

  it('signs pubRefs only when it was given a secret', async () => {
    const query = { button: { user_id: 'u' }, locale: 'en' };
    const unsigned = await setup().service.personalize(query, { requestId: 'r' });
    const signed = await setup({ pubRefSecret: 'a-long-enough-pubref-secret-for-tests' }).service.personalize(query, {
      requestId: 'r',
    });
    const pubRefOf = (answer: typeof signed) => answer.data[0]?.offers[0]?.pub_ref;
    expect(pubRefOf(signed)).not.toEqual(pubRefOf(unsigned));
  });

  it("lets Button's typed errors through for the controller to map, recording nothing", async () => {
    const failing = createFakeButtonClient(() => new NotConfiguredError());
    const { service, seen } = setup({ client: () => failing });
    await expect(service.personalize({ button: { user_id: 'u' } }, { requestId: 'r' })).rejects.toBeInstanceOf(
      NotConfiguredError
    );
    expect(seen).toEqual([]);
  });
});
