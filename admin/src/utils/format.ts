/** Money from minor units (Button's webhooks send cents), in the admin's locale. */
export function formatMinor(amount: number | null | undefined, currency: string | null | undefined, locale: string): string {
  if (amount === null || amount === undefined) return '-';
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return String(amount);
  const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amount / 10 ** digits);
}

/**
 * A decimal string as Button sent it (a rate, never rounded) as money in the admin's locale: "1" USD is "$1.00",
 * "0.125" USD "$0.125". Intl formats the string itself (no float), so every digit Button sent is kept.
 */
export function formatDecimalMoney(value: string, currency: string | null, locale: string): string {
  if (!currency || !/^[A-Z]{3}$/.test(currency) || !/^-?\d+(\.\d+)?$/.test(value)) return `${value} ${currency ?? ''}`.trim();
  const decimals = value.split('.')[1]?.length ?? 0;
  const standard = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().minimumFractionDigits ?? 2;
  const fraction = Math.min(20, Math.max(standard, decimals));
  const formatter = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: fraction,
    maximumFractionDigits: fraction,
  });
  // A string is formatted as the exact decimal (Intl.NumberFormat v3); the cast is for TypeScript's older libs.
  return formatter.format(value as unknown as number);
}

export function formatAmounts(amounts: Record<string, number>, locale: string): string {
  const entries = Object.entries(amounts);
  if (entries.length === 0) return '-';
  return entries.map(([currency, amount]) => formatMinor(amount, currency, locale)).join(' + ');
}

export function formatDateTime(value: string | null | undefined, locale: string): string {
  if (!value) return '-';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${Math.round(value)} ms`;
}

/** Splits a free-text list (commas, spaces or new lines) into trimmed, non-empty values. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((value) => value.trim())
    .filter(Boolean);
}
