import { brandHash, parseBrand } from '../../../server/src/catalogue/brand';
import { prefillFromBrand, termsText } from '../../../server/src/catalogue/prefill';
import { allowedType, sniffType } from '../../../server/src/catalogue/icon';
import { ICON_PNG } from '../../../simulator';

/** A brand as Button's Merchants API documents it. */
const button = (overrides: Record<string, unknown> = {}) => ({
  id: 'org-3a1f0c9e2b7d4e51',
  name: 'Northwind Shoes',
  description: 'Running shoes.\n\nAnd trail shoes.',
  urls: { homepage: 'https://www.northwind.example/' },
  icon_url: 'https://cdn.example/northwind.png',
  apps: [{ os: 'ios', scheme: 'northwind://' }],
  supported_hostnames: ['www.northwind.example', 'NORTHWIND.example'],
  subdomain: 'northwind',
  terms_and_conditions: {
    reporting_window_days: 30,
    finalization_window_minutes: 43_200,
    coupons_allowed: false,
    gift_cards_allowed: true,
    exclusion_details: 'Taxes are excluded.',
    other_terms: null,
  },
  ...overrides,
});

describe('a brand of the Merchants API', () => {
  it('keeps what the plugin uses, ignores the rest', () => {
    const parsed = parseBrand(button({ future_field: { nested: true } }));
    expect(parsed).toEqual({
      ok: true,
      brand: {
        merchant_id: 'org-3a1f0c9e2b7d4e51',
        name: 'Northwind Shoes',
        description: 'Running shoes.\n\nAnd trail shoes.',
        homepage_url: 'https://www.northwind.example/',
        icon_url: 'https://cdn.example/northwind.png',
        apps: [{ os: 'ios', scheme: 'northwind://' }],
        supported_hostnames: ['www.northwind.example', 'northwind.example'],
        terms: {
          reporting_window_days: 30,
          finalization_window_minutes: 43_200,
          coupons_allowed: false,
          gift_cards_allowed: true,
          exclusion_details: 'Taxes are excluded.',
          other_terms: null,
        },
      },
    });
  });

  it.each([
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['data:image/svg+xml,<svg/>'],
    ['not a url'],
    [`https://cdn.example/${'a'.repeat(2_100)}`],
    [42],
  ])('drops a URL that is not plain http(s): %s', (url) => {
    const parsed = parseBrand(button({ icon_url: url, urls: { homepage: url } }));
    expect(parsed.ok && parsed.brand.icon_url).toBeNull();
    expect(parsed.ok && parsed.brand.homepage_url).toBeNull();
  });

  it('bounds text and lists, and tolerates missing or odd optional fields', () => {
    const parsed = parseBrand({
      id: 'org-1',
      name: `  ${'N'.repeat(500)}  `,
      description: 'd'.repeat(10_000),
      urls: 'nope',
      apps: Array.from({ length: 200 }, () => ({ os: 'android', scheme: null })),
      supported_hostnames: ['ok.example', 'bad host', 7],
      terms_and_conditions: { reporting_window_days: -3, coupons_allowed: 'yes', other_terms: '  ' },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.brand.name).toHaveLength(200);
    expect(parsed.brand.description).toHaveLength(5_000);
    expect(parsed.brand.homepage_url).toBeNull();
    expect(parsed.brand.apps).toHaveLength(50);
    expect(parsed.brand.supported_hostnames).toEqual(['ok.example']);
    expect(parsed.brand.terms).toEqual({
      reporting_window_days: null,
      finalization_window_minutes: null,
      coupons_allowed: null,
      gift_cards_allowed: null,
      exclusion_details: null,
      other_terms: null,
    });
  });

  it('refuses a brand without a Button id or a name, saying which id when it can', () => {
    expect(parseBrand(button({ id: 'acme' }))).toMatchObject({ ok: false, merchantId: null });
    expect(parseBrand(button({ name: '   ' }))).toMatchObject({ ok: false, merchantId: 'org-3a1f0c9e2b7d4e51' });
    expect(parseBrand(null)).toMatchObject({ ok: false, merchantId: null });
  });

  it('hashes what is stored: a change to any kept field changes it, an unknown field does not', () => {
    const hash = (input: Record<string, unknown>) => {
      const parsed = parseBrand(input);
      if (!parsed.ok) throw new Error(parsed.reason);
      return brandHash(parsed.brand);
    };
    const base = hash(button());
    expect(hash(button({ unknown: 1 }))).toBe(base);
    expect(hash(button({ name: 'Northwind' }))).not.toBe(base);
    expect(hash(button({ terms_and_conditions: { ...button().terms_and_conditions, coupons_allowed: true } }))).not.toBe(base);
  });
});

describe('the prefill of "create entry"', () => {
  it('writes the name, the description as paragraphs, the homepage as CTA URL and the terms as text', () => {
    const parsed = parseBrand(button());
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(prefillFromBrand(parsed.brand)).toEqual({
      name: 'Northwind Shoes',
      description: [
        { type: 'paragraph', children: [{ type: 'text', text: 'Running shoes.' }] },
        { type: 'paragraph', children: [{ type: 'text', text: 'And trail shoes.' }] },
      ],
      cta_url: 'https://www.northwind.example/',
      terms:
        'Purchases are reported within 30 days.\nRewards are confirmed after 30 days.\nCoupons may not be used.\n' +
        'Gift card purchases qualify.\nExclusions: Taxes are excluded.',
    });
  });

  it('leaves out what the catalogue does not say', () => {
    expect(
      prefillFromBrand({
        name: 'x'.repeat(300),
        description: null,
        homepage_url: null,
        terms: {
          reporting_window_days: null,
          finalization_window_minutes: 90,
          coupons_allowed: null,
          gift_cards_allowed: null,
          exclusion_details: null,
          other_terms: null,
        },
      })
    ).toEqual({ name: 'x'.repeat(120), terms: 'Rewards are confirmed after 90 minutes.' });
    expect(termsText({ ...parseBrandTerms(), finalization_window_minutes: 120, reporting_window_days: 1 })).toBe(
      'Purchases are reported within 1 day.\nRewards are confirmed after 2 hours.'
    );
  });
});

function parseBrandTerms() {
  return {
    reporting_window_days: null,
    finalization_window_minutes: null,
    coupons_allowed: null,
    gift_cards_allowed: null,
    exclusion_details: null,
    other_terms: null,
  };
}

describe('icon types', () => {
  it.each([
    ['image/png', 'image/png'],
    ['IMAGE/PNG; charset=binary', 'image/png'],
    ['image/jpg', 'image/jpeg'],
    ['image/webp', 'image/webp'],
    ['image/gif', 'image/gif'],
    ['image/svg+xml', null],
    ['text/html', null],
    [undefined, null],
    ['', null],
  ])('declared %s is %s', (header, expected) => {
    expect(allowedType(header)).toBe(expected);
  });

  it('sniffs the bytes', () => {
    expect(sniffType(ICON_PNG)).toBe('image/png');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffType(Buffer.from('<!doctype html>'))).toBeNull();
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });
});
