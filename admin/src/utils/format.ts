/** Money from minor units (Button's webhooks send cents), in the admin's locale. */
export function formatMinor(amount: number | null | undefined, currency: string | null | undefined, locale: string): string {
  if (amount === null || amount === undefined) return '-';
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return String(amount);
  const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amount / 10 ** digits);
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
