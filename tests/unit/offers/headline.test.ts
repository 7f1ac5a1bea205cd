import { fillHeadline, formatRate, headlineFor } from '../../../server/src/offers/headline';

const offer = (
  fields: Partial<{ rate_percent: string; rate_fixed: string; currency: string; display_params: Record<string, string> }>
) => ({
  id: 'offer-1',
  rank: 1,
  rate_percent: fields.rate_percent ?? null,
  rate_fixed: fields.rate_fixed ?? null,
  currency: fields.currency ?? null,
  display_params: fields.display_params ?? {},
});

describe('formatRate', () => {
  it.each([
    [{ rate_percent: '4.5' }, 'en', '4.5%'],
    [{ rate_percent: '4.50' }, 'en', '4.5%'],
    [{ rate_percent: '10' }, 'en', '10%'],
    [{ rate_percent: '0.125' }, 'en', '0.125%'],
    [{ rate_percent: '4.5' }, 'fr', /^4,5\s%$/],
    [{ rate_fixed: '1.00', currency: 'USD' }, 'en', '$1.00'],
    [{ rate_fixed: '2.5', currency: 'EUR' }, 'fr', /^2,50\s€$/],
    [{ rate_fixed: '3.125', currency: 'USD' }, 'en', '$3.125'],
    [{ rate_fixed: '1.00', currency: 'ZZZZ' }, 'en', '1.00 ZZZZ'],
    [{ rate_fixed: '1.00' }, 'en', '1.00'],
    [{}, 'en', ''],
    [{ rate_percent: '4.5' }, 'not a locale!', '4.5%'],
  ])('%j in %s reads %s', (fields, locale, expected) => {
    // French separates the unit with a (narrow) no-break space, which \s matches.
    if (expected instanceof RegExp) expect(formatRate(offer(fields), locale)).toMatch(expected);
    else expect(formatRate(offer(fields), locale)).toBe(expected);
  });
});

describe('fillHeadline', () => {
  const values = { rate: '4.5%', name: 'Northwind', category: '', offer_type: 'Default', merchant_id: 'org-1' };

  it('fills every known placeholder', () => {
    expect(fillHeadline('{name} ({merchant_id}, {offer_type}): {rate}', values)).toBe('Northwind (org-1, Default): 4.5%');
  });

  it('leaves no double space where a value is missing', () => {
    expect(fillHeadline('Earn {rate} on {category} at {name}', values)).toBe('Earn 4.5% on at Northwind');
    expect(fillHeadline('{category} {rate}', values)).toBe('4.5%');
  });

  it('leaves an unknown placeholder as written so the editor sees the typo', () => {
    expect(fillHeadline('Earn {rat} at {name}', values)).toBe('Earn {rat} at Northwind');
  });
});

describe('headlineFor', () => {
  it('fills a template from a live offer', () => {
    expect(
      headlineFor(
        'Earn {rate} back on {category} at {name}',
        offer({ rate_percent: '6.5', display_params: { category: 'Running shoes' } }),
        { name: 'Northwind Shoes', merchant_id: 'org-1' },
        'en'
      )
    ).toBe('Earn 6.5% back on Running shoes at Northwind Shoes');
  });
});
