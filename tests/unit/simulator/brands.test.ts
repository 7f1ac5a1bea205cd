import { createBrandCatalogue, MERCHANTS } from '../../../simulator';

/** The simulator's brand catalogue: consistent with its offers, changed at run time by tests. */
describe('simulator brand catalogue', () => {
  it('lists every offered merchant as an approved brand, by id, and other brands under other statuses', () => {
    const catalogue = createBrandCatalogue();
    const approved = catalogue.list('approved');
    expect(approved.map((brand) => brand.id)).toEqual(MERCHANTS.map((merchant) => merchant.merchant_id).sort());
    for (const merchant of MERCHANTS) {
      expect(catalogue.get(merchant.merchant_id)).toMatchObject({ name: merchant.name, description: merchant.description });
    }
    expect(catalogue.list('pending')).toHaveLength(1);
    expect(catalogue.list('available')).toHaveLength(2);
    expect(approved[0]).toMatchObject({
      urls: { homepage: expect.stringMatching(/^https:\/\//) },
      icon_url: expect.stringMatching(/^\/__simulator\/icons\/org-.*\.png$/),
      terms_and_conditions: { reporting_window_days: expect.any(Number) },
    });
  });

  it('adds, changes and removes brands, hands out copies, and resets', () => {
    const catalogue = createBrandCatalogue();
    const added = catalogue.put({ id: 'org-new1', name: 'New Brand' });
    expect(added).toMatchObject({ id: 'org-new1', status: 'approved', name: 'New Brand' });
    const first = MERCHANTS[0]!.merchant_id;
    catalogue.put({ id: first, name: 'Renamed' });
    expect(catalogue.get(first)).toMatchObject({ name: 'Renamed', description: MERCHANTS[0]!.description });
    expect(catalogue.remove(MERCHANTS[1]!.merchant_id)).toBe(true);
    expect(catalogue.remove('org-none')).toBe(false);
    catalogue.get(first)!.name = 'mutated';
    expect(catalogue.get(first)!.name).toBe('Renamed');
    expect(() => catalogue.put({ id: '' })).toThrow(TypeError);
    expect(() => catalogue.put({ id: 'org-x', status: 'gone' as never })).toThrow(TypeError);
    catalogue.reset();
    expect(catalogue.list()).toHaveLength(MERCHANTS.length);
  });
});
