import { createHash } from 'node:crypto';
import { hashEmail, parseOffersRequest } from '../../../server/src/offers/request-schema';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const HEX = 'a'.repeat(64);

describe('parseOffersRequest', () => {
  it('accepts a full request and builds what Button is sent', () => {
    const result = parseOffersRequest({
      user_id: 'user-42',
      device_ids: ['  IDFA-1  ', 'IDFA-1', 'GAID-2'],
      email_sha256s: [HEX.toUpperCase()],
      emails: ['  Alice@Example.COM '],
      merchant_id: 'org-abc',
      locale: 'fr-CA',
    });
    expect(result).toEqual({
      success: true,
      query: {
        button: {
          user_id: 'user-42',
          device_ids: ['IDFA-1', 'GAID-2'],
          email_sha256s: [HEX, sha('alice@example.com')],
          merchant_id: 'org-abc',
        },
        locale: 'fr-CA',
      },
    });
  });

  it('sends only user_id when that is all there is', () => {
    expect(parseOffersRequest({ user_id: '!~' })).toEqual({
      success: true,
      query: { button: { user_id: '!~' }, locale: undefined },
    });
  });

  it('hashes emails exactly as Button specifies: trim, lower-case, SHA-256 hex', () => {
    expect(hashEmail(' Bob.Smith@Example.org\t')).toBe(sha('bob.smith@example.org'));
    // Independent vector: printf 'alice@example.com' | sha256sum
    expect(hashEmail('  ALICE@example.com ')).toBe('ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976');
  });

  it.each([
    ['missing user_id', {}, ['user_id'], 'is required'],
    ['user_id not a string', { user_id: 42 }, ['user_id'], 'must be a string'],
    ['user_id empty', { user_id: '' }, ['user_id'], 'must not be empty'],
    ['user_id with a space', { user_id: 'a b' }, ['user_id'], 'printable ASCII'],
    ['user_id with non-ASCII', { user_id: 'usér' }, ['user_id'], 'printable ASCII'],
    ['user_id of 256 characters', { user_id: 'x'.repeat(256) }, ['user_id'], 'at most 255'],
    ['device_ids not an array', { user_id: 'u', device_ids: 'IDFA' }, ['device_ids'], 'must be an array'],
    ['a blank device id', { user_id: 'u', device_ids: ['  '] }, ['device_ids', '0'], 'must not be blank'],
    ['a short email hash', { user_id: 'u', email_sha256s: ['abc'] }, ['email_sha256s', '0'], 'SHA-256'],
    ['a non-hex email hash', { user_id: 'u', email_sha256s: ['g'.repeat(64)] }, ['email_sha256s', '0'], 'SHA-256'],
    ['an email that is not one', { user_id: 'u', emails: ['not-an-email'] }, ['emails', '0'], 'email address'],
    ['merchant_id with a space', { user_id: 'u', merchant_id: 'org 1' }, ['merchant_id'], 'printable ASCII'],
    ['a malformed locale', { user_id: 'u', locale: 'english!' }, ['locale'], 'locale code'],
    ['an unknown field', { user_id: 'u', userId: 'u' }, ['userId'], 'is not an allowed field'],
    ['an array body', [], [], 'JSON object'],
    ['a string body', 'user_id=u', [], 'JSON object'],
  ])('rejects %s with a per-field detail', (_label, body, path, message) => {
    const result = parseOffersRequest(body);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues).toContainEqual({ path, message: expect.stringContaining(message), name: 'ValidationError' });
  });

  it('allows 10 identifiers combined and rejects 11', () => {
    const ten = {
      user_id: 'u',
      device_ids: ['d1', 'd2', 'd3', 'd4'],
      email_sha256s: [HEX, 'b'.repeat(64), 'c'.repeat(64)],
      emails: ['a@x.y', 'b@x.y', 'c@x.y'],
    };
    expect(parseOffersRequest(ten).success).toBe(true);
    const eleven = { ...ten, device_ids: [...ten.device_ids, 'd5'] };
    const result = parseOffersRequest(eleven);
    expect(result).toMatchObject({
      success: false,
      issues: [{ path: ['device_ids'], message: expect.stringContaining('at most 10') }],
    });
  });

  it('reports every problem at once, and never repeats a value', () => {
    const result = parseOffersRequest({ user_id: 'secret user', emails: ['secret@'], extra: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['emails.0', 'extra', 'user_id']);
    expect(JSON.stringify(result.issues)).not.toMatch(/secret/);
  });
});
