import { formatDecimalMoney } from '../../../admin/src/utils/format';

/** Fixed rates as the pubRef debugger and the commission detail show them: money, every digit Button sent. */
describe('formatDecimalMoney', () => {
  it.each([
    ['1.00', 'USD', 'en', '$1.00'],
    ['1', 'USD', 'en', '$1.00'],
    ['0.125', 'USD', 'en', '$0.125'],
    ['1234567890.123456', 'USD', 'en', '$1,234,567,890.123456'],
    ['5', 'JPY', 'en', '¥5'],
    ['1.5', 'EUR', 'en', '€1.50'],
  ])('%s %s in %s is %s', (value, currency, locale, expected) => {
    expect(formatDecimalMoney(value, currency, locale)).toBe(expected);
  });

  it('follows the locale', () => {
    expect(formatDecimalMoney('1.5', 'EUR', 'fr').replace(/\s/g, ' ')).toBe('1,50 €');
  });

  it('shows the decimal as is without a usable currency', () => {
    expect(formatDecimalMoney('1.00', null, 'en')).toBe('1.00');
    expect(formatDecimalMoney('1.00', 'usd', 'en')).toBe('1.00 usd');
  });
});
