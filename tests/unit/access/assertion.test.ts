import { mintUserAssertion, verifyUserAssertion } from '../../../server/src/access/assertion';

const SECRET = 'assertion-unit-secret';
const NOW = 1_800_000_000;
const verify = (token: string, now = NOW, maxTtlSeconds = 3_600) =>
  verifyUserAssertion(token, { secret: SECRET, maxTtlSeconds, now });

describe('signed user assertions', () => {
  it('round-trip a user id until the expiry, and not a second after', () => {
    const token = mintUserAssertion({ userId: 'user-42', secret: SECRET, ttlSeconds: 900, now: NOW });
    expect(token).toMatch(/^bua1\.[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+$/);
    expect(verify(token)).toEqual({ ok: true, userId: 'user-42', expiresAt: NOW + 900 });
    expect(verify(token, NOW + 899)).toMatchObject({ ok: true });
    expect(verify(token, NOW + 900)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse every change to the token, another secret, and a lifetime longer than allowed', () => {
    const token = mintUserAssertion({ userId: 'user-42', secret: SECRET, now: NOW });
    const [version, user, expiry, tag] = token.split('.') as [string, string, string, string];
    expect(verify([version, Buffer.from('user-43').toString('base64url'), expiry, tag].join('.'))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify([version, user, String(Number(expiry) + 60), tag].join('.'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify([version, user, expiry, `${tag.slice(0, -1)}A`].join('.')).ok).toBe(false);
    expect(verify(mintUserAssertion({ userId: 'user-42', secret: 'other', now: NOW }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(mintUserAssertion({ userId: 'user-42', secret: SECRET, ttlSeconds: 7_200, now: NOW }))).toEqual({
      ok: false,
      reason: 'lifetime-too-long',
    });
  });

  it.each([
    '',
    'bua1',
    'bua2.dXNlcg.1.x',
    'bua1.dXNlcg.-1.x',
    'bua1.dXNlcg.1.x.y',
    'bua1.***.1.x',
    `bua1.${'A'.repeat(2_000)}.1.x`,
  ])('refuse a malformed token %#', (token) => {
    expect(verify(token)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('mint only user ids the endpoint accepts', () => {
    expect(() => mintUserAssertion({ userId: 'has space', secret: SECRET })).toThrow(/printable ASCII/);
    expect(() => mintUserAssertion({ userId: 'x'.repeat(256), secret: SECRET })).toThrow(/printable ASCII/);
    expect(() => mintUserAssertion({ userId: 'ok', secret: '' })).toThrow(/secret/);
    expect(() => mintUserAssertion({ userId: 'ok', secret: SECRET, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});
