import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { decodePubRef, encodePubRef, newClickId, offerIdForPubRef, type OfferForPubRef } from '../../../server/src/pub-ref';
import { parsePubRef, PUB_REF_MAX_LENGTH } from '../../../server/src/pub-ref/format';

const SECRET = 'pubref-unit-secret';
const USER = 'user-1';
const ISSUED = Date.UTC(2026, 2, 1, 9, 0, 0);
const at = { now: () => ISSUED };
const percent = (id: string, rate: string): OfferForPubRef => ({ id, rate_percent: rate, rate_fixed: null, currency: null });
const fixed = (id: string, rate: string, currency: string | null): OfferForPubRef => ({
  id,
  rate_percent: null,
  rate_fixed: rate,
  currency,
});
const none = (id: string): OfferForPubRef => ({ id, rate_percent: null, rate_fixed: null, currency: null });
const PRINTABLE = /^[\x21-\x7E]+$/;

describe('encodePubRef / decodePubRef', () => {
  it.each([
    ['a percent rate', percent('offer-abc', '4.5'), { kind: 'percent', value: '4.5' }],
    ['a fixed rate with its currency', fixed('offer-abc', '1.00', 'USD'), { kind: 'fixed', value: '1.00', currency: 'USD' }],
    ['a fixed rate, lower-case currency', fixed('offer-abc', '2.50', 'eur'), { kind: 'fixed', value: '2.50', currency: 'EUR' }],
    ['a fixed rate without currency', fixed('offer-abc', '3', null), { kind: 'fixed', value: '3', currency: null }],
    ['no rate', none('offer-abc'), { kind: 'none' }],
    ['a rate too long to carry', percent('offer-abc', '1.00000000000000001'), { kind: 'unrepresentable' }],
    ['a currency that is not ISO 4217', fixed('offer-abc', '1.00', 'POINTS'), { kind: 'unrepresentable' }],
    ['an offer id containing the separator', percent('offer~with~tildes', '5'), { kind: 'percent', value: '5' }],
  ])('round-trips %s', (_label, offer, rate) => {
    const pubRef = encodePubRef(offer, SECRET, USER, at);
    expect(pubRef.startsWith('b2~')).toBe(true);
    expect(pubRef).not.toContain(USER);
    expect(decodePubRef(pubRef, SECRET, USER)).toEqual({
      ok: true,
      version: 2,
      clickId: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/),
      offerId: offer.id,
      rate,
      issuedAt: '2026-03-01T09:00:00.000Z',
      signature: 'valid',
      tagValid: true,
    });
  });

  it('is 98 characters in the worst case: 40-character offer id, 16-character fixed rate with currency, year 4453', () => {
    const worst = encodePubRef(fixed('o'.repeat(40), `${'9'.repeat(14)}.9`, 'USD'), SECRET, 'u'.repeat(255), {
      now: () => (36 ** 7 - 1) * 1000,
    });
    expect(worst).toHaveLength(98);
    expect(decodePubRef(worst, SECRET, 'u'.repeat(255))).toMatchObject({ tagValid: true, offerId: 'o'.repeat(40) });
    // One character more and the offer id travels as its digest.
    expect(decodePubRef(encodePubRef(percent('o'.repeat(41), '1'), SECRET, USER), SECRET, USER)).toMatchObject({
      offerId: offerIdForPubRef('o'.repeat(41)),
    });
  });

  it('gives every served offer its own click id', () => {
    const ids = new Set(
      Array.from({ length: 1000 }, () => decodePubRef(encodePubRef(percent('o', '1'), SECRET, USER), SECRET, USER)).map((d) =>
        d.ok ? d.clickId : ''
      )
    );
    expect(ids.size).toBe(1000);
  });

  it('uses the injected random source for the click id', () => {
    const pubRef = encodePubRef(percent('offer-1', '2'), SECRET, USER, { randomBytes: (size) => Buffer.alloc(size, 0xff) });
    expect(pubRef.split('~')[1]).toBe('____________');
  });

  it('replaces an offer id too long to carry by a digest publishers can recompute', () => {
    const longId = `offer-${'x'.repeat(200)}`;
    const decoded = decodePubRef(encodePubRef(percent(longId, '4'), SECRET, USER), SECRET, USER);
    expect(decoded).toMatchObject({ ok: true, offerId: offerIdForPubRef(longId), tagValid: true });
    expect(offerIdForPubRef(longId)).toMatch(/^#[A-Za-z0-9_-]{15}$/);
  });

  it.each([
    ['another secret', (p: string) => p, 'other-secret', 'invalid'],
    ['a changed rate', (p: string) => p.replace('~p4.5~', '~p9.5~'), SECRET, 'invalid'],
    ['a changed offer id', (p: string) => p.replace('offer-abc', 'offer-abd'), SECRET, 'invalid'],
    ['a removed tag', (p: string) => p.replace(/^(b2~[^~]+~)[^~]+/, '$1'), SECRET, 'unsigned'],
    ['a changed issue time', (p: string) => p.replace(/^(b2~[^~]+~[^~]+~)[^~]+/, '$1zzzzzz'), SECRET, 'invalid'],
  ])('detects %s', (_label, change, secret, signature) => {
    const pubRef = change(encodePubRef(percent('offer-abc', '4.5'), SECRET, USER));
    expect(decodePubRef(pubRef, secret, USER)).toMatchObject({ ok: true, signature, tagValid: false });
  });

  it('is bound to the user it was issued to: valid for that user only', () => {
    const pubRef = encodePubRef(percent('offer-abc', '4.5'), SECRET, 'alice');
    expect(decodePubRef(pubRef, SECRET, 'alice')).toMatchObject({ signature: 'valid', tagValid: true });
    expect(decodePubRef(pubRef, SECRET, 'bob')).toMatchObject({ signature: 'invalid', tagValid: false });
    // A prefix or an extension of the user id is another user.
    expect(decodePubRef(pubRef, SECRET, 'alic')).toMatchObject({ tagValid: false });
    expect(decodePubRef(pubRef, SECRET, 'alice\n')).toMatchObject({ tagValid: false });
  });

  it('never reports valid without a user id: unverified', () => {
    const pubRef = encodePubRef(percent('offer-abc', '4.5'), SECRET, 'alice');
    for (const user of [undefined, null, ''])
      expect(decodePubRef(pubRef, SECRET, user)).toMatchObject({ ok: true, signature: 'unverified', tagValid: false });
  });

  it('reads 0.1.0 (b1) pubRefs but never as valid: unbound when genuine, invalid when changed', () => {
    const legacy = encodeV1('offer-abc', 'p4.5');
    expect(decodePubRef(legacy, SECRET, 'alice')).toEqual({
      ok: true,
      version: 1,
      clickId: 'AAAAAAAAAAAA',
      offerId: 'offer-abc',
      rate: { kind: 'percent', value: '4.5' },
      issuedAt: null,
      signature: 'unbound',
      tagValid: false,
    });
    expect(decodePubRef(legacy.replace('~p4.5~', '~p9.5~'), SECRET, 'alice')).toMatchObject({ signature: 'invalid' });
  });

  it('never reports a signed pubRef as valid when the server has no secret', () => {
    expect(decodePubRef(encodePubRef(percent('o', '1'), SECRET, USER), undefined, USER)).toMatchObject({
      signature: 'invalid',
      tagValid: false,
    });
  });

  it('issues unsigned pubRefs without a secret, reported as such', () => {
    const pubRef = encodePubRef(percent('offer-abc', '4.5'), undefined, USER, at);
    expect(pubRef).toMatch(/^b2~[A-Za-z0-9_-]{12}~~[0-9a-z]{6}~p4\.5~offer-abc$/);
    expect(decodePubRef(pubRef, SECRET, USER)).toMatchObject({
      ok: true,
      offerId: 'offer-abc',
      signature: 'unsigned',
      tagValid: false,
    });
  });

  it.each([
    [null, 'absent'],
    ['', 'absent'],
    ['my-own-click-123', 'not-a-plugin-pub-ref'],
    ['b3~AAAAAAAAAAAA~~n~offer', 'not-a-plugin-pub-ref'],
    ['b2~AAAAAAAAAAAA~~n~offer', 'not-a-plugin-pub-ref'],
    ['b2~AAAAAAAAAAAA~~0abc~n~offer', 'not-a-plugin-pub-ref'],
    ['b2~AAAAAAAAAAAA~~ABC~n~offer', 'not-a-plugin-pub-ref'],
    ['b2~AAAAAAAAAAAA~~12345678~n~offer', 'not-a-plugin-pub-ref'],
    [`b2~AAAAAAAAAAAA~~abc~n~${'o'.repeat(41)}`, 'not-a-plugin-pub-ref'],
    ['b1~short~~n~offer', 'not-a-plugin-pub-ref'],
    ['b1~AAAAAAAAAAAA~~q4~offer', 'not-a-plugin-pub-ref'],
    ['b1~AAAAAAAAAAAA~~n~', 'not-a-plugin-pub-ref'],
    ['b1~AAAAAAAAAAAA~~n~off er', 'not-a-plugin-pub-ref'],
  ])('reads %p as %s', (pubRef, reason) => {
    expect(decodePubRef(pubRef, SECRET, USER)).toEqual({ ok: false, reason });
  });
});

// Arbitraries: the longest plausible Button values and then some (ids up to 255 characters, any printable ASCII).
const decimal = fc
  .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.option(fc.stringMatching(/^\d{1,12}$/), { nil: undefined }))
  .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}`);
const offerId = fc.oneof(
  fc.stringMatching(/^offer-[0-9a-f]{16,40}$/),
  fc.string({ unit: fc.constantFrom(...'abc~-_.#XYZ019'.split('')), minLength: 1, maxLength: 255 }),
  fc.string({ minLength: 1, maxLength: 255 })
);
const offer = fc.oneof(
  fc.record({ id: offerId, rate_percent: decimal, rate_fixed: fc.constant(null), currency: fc.constant(null) }),
  fc.record({
    id: offerId,
    rate_percent: fc.constant(null),
    rate_fixed: decimal,
    currency: fc.option(fc.oneof(fc.stringMatching(/^[A-Z]{3}$/), fc.string({ maxLength: 10 })), { nil: null }),
  }),
  fc.record({ id: offerId, rate_percent: fc.constant(null), rate_fixed: fc.constant(null), currency: fc.constant(null) })
);
const secret = fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: undefined });
// Any user id the offers endpoint accepts (printable ASCII, 1-255), and any issue time up to the year 4000.
const userId = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 255,
});
const issuedAt = fc.integer({ min: 0, max: Date.UTC(4000, 0, 1) });

describe('pubRef properties', () => {
  it('stays within 100 printable ASCII characters for any offer id and rate', () => {
    fc.assert(
      fc.property(offer, secret, userId, issuedAt, (o, s, u, t) => {
        const pubRef = encodePubRef(o, s, u, { now: () => t });
        expect(pubRef.length).toBeLessThanOrEqual(PUB_REF_MAX_LENGTH);
        expect(pubRef).toMatch(PRINTABLE);
      }),
      { numRuns: 2000 }
    );
  });

  it('round-trips: decoding gives back the offer id (or its digest) and the rate, with a valid tag', () => {
    fc.assert(
      fc.property(offer, fc.string({ minLength: 1, maxLength: 64 }), userId, issuedAt, (o, s, u, t) => {
        const decoded = decodePubRef(encodePubRef(o, s, u, { now: () => t }), s, u);
        expect(decoded).toMatchObject({
          ok: true,
          offerId: offerIdForPubRef(o.id),
          tagValid: true,
          issuedAt: new Date(Math.floor(t / 1000) * 1000).toISOString(),
        });
        const parsed = parsePubRef(encodePubRef(o, s, u));
        if (!decoded.ok || parsed === undefined) throw new Error('unreadable');
        if (o.rate_percent !== null && decoded.rate.kind === 'percent') expect(decoded.rate.value).toBe(o.rate_percent);
        if (o.rate_fixed !== null && decoded.rate.kind === 'fixed')
          expect(decoded.rate).toEqual({ kind: 'fixed', value: o.rate_fixed, currency: o.currency?.toUpperCase() ?? null });
        if (o.rate_percent === null && o.rate_fixed === null) expect(decoded.rate).toEqual({ kind: 'none' });
      }),
      { numRuns: 1000 }
    );
  });

  it('flags any single-character change of a signed pubRef', () => {
    fc.assert(
      fc.property(offer, userId, fc.nat(), fc.integer({ min: 0x21, max: 0x7e }), (o, u, at, code) => {
        const pubRef = encodePubRef(o, SECRET, u);
        const index = at % pubRef.length;
        fc.pre(pubRef[index] !== String.fromCharCode(code));
        const changed = pubRef.slice(0, index) + String.fromCharCode(code) + pubRef.slice(index + 1);
        const decoded = decodePubRef(changed, SECRET, u);
        expect(decoded.ok && decoded.tagValid).toBe(false);
      }),
      { numRuns: 2000 }
    );
  });

  it('never verifies for another user id than the one it was issued to', () => {
    fc.assert(
      fc.property(offer, userId, userId, (o, issuedTo, claimedBy) => {
        fc.pre(issuedTo !== claimedBy);
        const decoded = decodePubRef(encodePubRef(o, SECRET, issuedTo), SECRET, claimedBy);
        expect(decoded.ok && decoded.tagValid).toBe(false);
      }),
      { numRuns: 2000 }
    );
  });
});

/** A 0.1.0 pubRef, signed as 0.1.0 did (HMAC over `b1~click~rate~offer`, no user id). */
function encodeV1(offerId: string, rate: string): string {
  const signed = ['b1', 'AAAAAAAAAAAA', rate, offerId].join('~');
  const tag = createHmac('sha256', SECRET).update(signed).digest('base64url').slice(0, 12);
  return ['b1', 'AAAAAAAAAAAA', tag, rate, offerId].join('~');
}

describe('click ids from the pooled CSPRNG', () => {
  it('are 12 base64url characters and never repeat across several pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5_000; i += 1) {
      const id = newClickId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(5_000);
  });

  it('still use an injected random source as given', () => {
    expect(newClickId((size) => Buffer.alloc(size, 0xff))).toBe('____________');
  });
});
