/** Saved under this name when the server gives none (or an unusable one). */
const FALLBACK_NAME = 'button-commissions.csv';

/**
 * The name a download is saved under, from the server's Content-Disposition:
 * `attachment; filename="x.csv"` (or RFC 5987 `filename*=UTF-8''x.csv`) to `x.csv`,
 * without any path.
 */
export function attachmentName(disposition: string | null | undefined): string {
  if (!disposition) return FALLBACK_NAME;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/.exec(disposition);
  let name: string | undefined;
  try {
    name = extended ? decodeURIComponent(extended[1].trim()) : (plain?.[1] ?? plain?.[2]);
  } catch {
    name = plain?.[1] ?? plain?.[2];
  }
  const base = name?.split(/[/\\]/).pop()?.trim();
  return base ? base : FALLBACK_NAME;
}
