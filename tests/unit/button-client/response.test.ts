import { interpretOffersResponse, type RawResponse } from '../../../server/src/button-client/response';

const now = Date.parse('2026-11-25T12:00:00Z');
const respond = (statusCode: number, body: unknown, headers: RawResponse['headers'] = {}): RawResponse => ({
  statusCode,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const ok = (merchantOffers: unknown) => respond(200, { meta: { status: 'ok' }, object: { merchant_offers: merchantOffers } });

describe('interpretOffersResponse', () => {
  it('returns normalised offers and tolerates fields Button may add', () => {
    const result = interpretOffersResponse(
      respond(200, {
        meta: { status: 'ok', new_meta: 1 },
        object: {
          merchant_offers: [
            {
              merchant_id: 'org-1',
              brand_new_field: true,
              offers: [
                { id: 'offer-a', rank: 1, rate_percent: '4.5', display_params: { category: 'Shoes', weird: 3 }, extra: 'x' },
                { id: 'offer-b', rank: 2, rate_fixed: '1.00', currency: 'USD' },
              ],
            },
          ],
        },
      }),
      now
    );
    expect(result).toEqual([
      {
        merchant_id: 'org-1',
        brand_new_field: true,
        offers: [
          {
            id: 'offer-a',
            rank: 1,
            rate_percent: '4.5',
            rate_fixed: null,
            currency: null,
            display_params: { category: 'Shoes' },
          },
          { id: 'offer-b', rank: 2, rate_percent: null, rate_fixed: '1.00', currency: 'USD', display_params: {} },
        ],
      },
    ]);
  });

  it('keeps rates as the exact decimal strings Button sent', () => {
    const [merchant] = interpretOffersResponse(ok([{ merchant_id: 'org-1', offers: [{ id: 'o', rate_percent: '0.10' }] }]), now);
    expect(merchant?.offers[0]?.rate_percent).toBe('0.10');
  });

  it.each([
    ['not JSON', respond(200, '{"meta": {"status": "ok"'), /was not JSON/],
    ['merchant_offers not a list', ok('nope'), /did not match the expected schema \(object\.merchant_offers/],
    ['an offer without id', ok([{ merchant_id: 'org-1', offers: [{ rank: 1 }] }]), /offers\.0\.id/],
    ['a rate that is not a decimal', ok([{ merchant_id: 'org-1', offers: [{ id: 'o', rate_percent: '4,5%' }] }]), /rate_percent/],
    [
      'meta.status error on a 200',
      respond(200, { meta: { status: 'error' }, error: { message: 'boom' } }),
      /error envelope: boom/,
    ],
  ])('rejects a 200 whose body is %s as INVALID_RESPONSE (not retried)', (_label, response, message) => {
    expect(() => interpretOffersResponse(response, now)).toThrow(message);
    try {
      interpretOffersResponse(response, now);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    }
  });

  it.each([
    [400, 'REQUEST_REJECTED', false],
    [401, 'AUTH_REJECTED', false],
    [403, 'AUTH_REJECTED', false],
    [404, 'REQUEST_REJECTED', false],
    [408, 'UPSTREAM_TIMEOUT', true],
    [429, 'RATE_LIMITED', true],
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [501, 'UPSTREAM_UNAVAILABLE', false],
    [502, 'UPSTREAM_UNAVAILABLE', true],
    [503, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_UNAVAILABLE', true],
  ])('maps HTTP %i to %s (retryable: %s)', (status, code, retryable) => {
    expect(() => interpretOffersResponse(respond(status, { meta: { status: 'error' }, error: { message: 'm' } }), now)).toThrow(
      expect.objectContaining({ code, retryable, upstreamStatus: status, upstreamMessage: 'm' })
    );
  });

  it('reads Retry-After on 429 and 503, in seconds or as a date, and survives an undocumented HTML body', () => {
    expect(() => interpretOffersResponse(respond(429, '<html>slow down</html>', { 'retry-after': '2' }), now)).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: 2000, upstreamMessage: undefined })
    );
    expect(() => interpretOffersResponse(respond(503, '', { 'retry-after': 'Wed, 25 Nov 2026 12:00:05 GMT' }), now)).toThrow(
      expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', retryAfterMs: 5000 })
    );
  });
});
