import type { ErrorResponse } from '../contracts/offers';

/** Strapi's error envelope, for answers the plugin writes itself (it cannot throw: it sets headers or has no ctx). */
export function errorEnvelope(
  status: number,
  name: string,
  message: string,
  details: Record<string, unknown> = {}
): ErrorResponse {
  return { data: null, error: { status, name, message, details } };
}
