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
      request: {
        userId: 'user-42',
        button: {
          device_ids: ['IDFA-1', 'GAID-2'],
          email_sha256s: [HEX, sha('alice@example.com')],
          merchant_id: 'org-abc',
        },
        locale: 'fr-CA',
      },
    });
  });

  it('keeps only user_id when that is all there is, and accepts no user_id (the caller may supply it)', () => {
    expect(parseOffersRequest({ user_id: '!~' })).toEqual({ success: true, request: { userId: '!~', button: {} } });
    expect(parseOffersRequest({})).toEqual({ success: true, request: { button: {} } });
  });

  it('hashes emails exactly as Button specifies: trim, lower-case, SHA-256 hex', () => {
    expect(hashEmail(' Bob.Smith@Example.org\t')).toBe(sha('bob.smith@example.org'));
    // Independent vector: printf 'alice@example.com' | sha256sum
    expect(hashEmail('  ALICE@example.com ')).toBe('ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976');
  });

  it.each([
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

describe('parseOffersRequest: limits on what callers send', () => {
  const issuesOf = (body: unknown) => {
    const result = parseOffersRequest(body);
    if (result.success) throw new Error('accepted');
    return result;
  };

  it.each([
    ['NUL', 'ID\u0000FA'],
    ['a newline', 'ID\nFA'],
    ['a tab inside', 'ID\tFA'],
    ['a bidi override', 'ID\u202EFA'],
    ['a zero-width space', 'ID\u200BFA'],
    ['a lone high surrogate', 'IDFA\uD83D'],
    ['a lone low surrogate', '\uDE00IDFA'],
    ['an emoji', 'IDFA\u{1F600}'],
    ['a non-breaking space around it', '\u00A0IDFA'],
    ['129 characters', 'a'.repeat(129)],
    ['a 100 KB string', 'a'.repeat(100_000)],
  ])('refuses a device id with %s, naming the field and not the value', (_label, id) => {
    const result = issuesOf({ user_id: 'u', device_ids: ['ok', id] });
    expect(result.issues.map((issue) => issue.path.join('.'))).toEqual(['device_ids.1']);
    expect(JSON.stringify(result)).not.toContain(id);
  });

  it('accepts IDFA / GAID / IDFV forms and trims ASCII whitespace only', () => {
    const idfa = 'EA7583CD-A667-48BC-B806-42ECB2B48606';
    const result = parseOffersRequest({ user_id: 'u', device_ids: [` \t${idfa}\r\n`, 'a'.repeat(128), 'f'.repeat(64)] });
    expect(result).toMatchObject({ success: true, request: { button: { device_ids: [idfa, 'a'.repeat(128), 'f'.repeat(64)] } } });
  });

  it.each([
    ['35 characters is the most', `en-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-ddddd`, true],
    ['36 is too many', `en-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-dddddd`, false],
    ['an 800 KB locale', `en-${'abcdefgh-'.repeat(90_000)}x`, false],
    ['zh-Hant-TW', 'zh-Hant-TW', true],
    ['es-419', 'es-419', true],
  ])('locale: %s', (_label, locale, ok) => {
    const result = parseOffersRequest({ user_id: 'u', locale });
    expect(result.success).toBe(ok);
    if (!result.success)
      expect(result.issues).toEqual([{ path: ['locale'], message: 'must be at most 35 characters', name: 'ValidationError' }]);
  });

  it.each([
    ['NUL', 'a\u0000b@example.com'],
    ['a bidi override', 'a\u202Eb@example.com'],
    ['a lone surrogate', 'a\uD800b@example.com'],
    ['a vertical tab', 'a\u000Bb@example.com'],
  ])('refuses an email with %s', (_label, email) => {
    expect(issuesOf({ user_id: 'u', emails: [email] }).issues.map((issue) => issue.path.join('.'))).toEqual(['emails.0']);
  });

  it('still accepts internationalised emails', () => {
    expect(parseOffersRequest({ user_id: 'u', emails: ['josé@exämple.com'] }).success).toBe(true);
  });

  it('a body of 60,000 unknown keys: 20 issues and the count of the rest', () => {
    const body: Record<string, unknown> = { user_id: 'u' };
    for (let i = 0; i < 60_000; i += 1) body[`k${i}`] = i;
    const result = issuesOf(body);
    expect(result.issues).toHaveLength(20);
    expect(result.more).toBe(59_980);
  });

  it('a huge identifier array: one issue, before each item is checked', () => {
    const result = issuesOf({ user_id: 'u', device_ids: Array.from({ length: 50_000 }, () => '\u0000') });
    expect(result.issues).toEqual([
      { path: ['device_ids'], message: 'is too large to validate (more than 100 items)', name: 'ValidationError' },
    ]);
  });
});
