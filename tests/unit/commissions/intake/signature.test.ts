import fc from 'fast-check';
import { checkWebhookSignature, signWebhookBody } from '../../../../server/src/commissions/intake/signature';

describe('webhook signature', () => {
  it("matches Button's check vector", () => {
    const digest = signWebhookBody(Buffer.from('{ "a": 1 }'), 'secret');
    expect(digest).toMatch(/^79a3a529[0-9a-f]{46}e6b9aa6817$/);
  });

  const body = Buffer.from('{"id":"hook-1","event_type":"tx-pending","data":{}}');
  const good = signWebhookBody(body, 'whsec');

  it.each<[string, string | string[] | undefined, ReturnType<typeof checkWebhookSignature>]>([
    ['the right signature', good, { valid: true }],
    ['the right signature with surrounding spaces', ` ${good} `, { valid: true }],
    ['no header', undefined, { valid: false, reason: 'missing' }],
    ['an empty header', '', { valid: false, reason: 'missing' }],
    ['upper-case hex (Button sends lowercase)', good.toUpperCase(), { valid: false, reason: 'malformed' }],
    ['a prefixed signature', `sha256=${good}`, { valid: false, reason: 'malformed' }],
    ['a truncated signature', good.slice(0, 63), { valid: false, reason: 'malformed' }],
    ['two headers', [good, good], { valid: false, reason: 'malformed' }],
    ['another key', signWebhookBody(body, 'other'), { valid: false, reason: 'mismatch' }],
  ])('%s', (_label, header, expected) => {
    expect(checkWebhookSignature(body, header, 'whsec')).toEqual(expected);
  });

  it('refuses any body that differs from the signed bytes by one byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, delta) => {
          const signed = Buffer.from(bytes);
          const signature = signWebhookBody(signed, 'k');
          const changed = Buffer.from(signed);
          const index = at % changed.length;
          changed[index] = (changed[index]! + delta) % 256;
          expect(checkWebhookSignature(signed, signature, 'k')).toEqual({ valid: true });
          expect(checkWebhookSignature(changed, signature, 'k')).toEqual({ valid: false, reason: 'mismatch' });
        }
      )
    );
  });
});
