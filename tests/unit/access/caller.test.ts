import { createHash } from 'node:crypto';
import { mintUserAssertion } from '../../../server/src/access/assertion';
import { resolveCaller, type CallerInput } from '../../../server/src/access/caller';
import { parsePluginConfig } from '../../../server/src/config/schema';
import { bindCaller } from '../../../server/src/offers/bind-caller';
import { parseOffersRequest } from '../../../server/src/offers/request-schema';

const SECRET = 'caller-unit-secret';
const access = parsePluginConfig({ access: { assertionSecret: SECRET, endUserEmailHash: true } }).access;
const input = (overrides: Partial<CallerInput>): CallerInput => ({
  strategy: undefined,
  credentials: null,
  assertion: undefined,
  ip: '203.0.113.9',
  ...overrides,
});
const user = { id: 7, documentId: 'doc-user-7', email: ' Alice@Example.com ', confirmed: true, external_id: 'ext-7' };

describe('who is calling', () => {
  it('trusts an API token with the body (and counts it per token)', () => {
    expect(resolveCaller(input({ strategy: 'content-api-token', credentials: { id: 3 } }), access)).toEqual({
      ok: true,
      caller: { kind: 'api-token', limitKeys: [{ limit: 'api-token', key: 'token:3' }] },
    });
    expect(resolveCaller(input({ strategy: 'api-token', credentials: { id: 3 } }), access)).toMatchObject({ ok: true });
  });

  it('binds a signed-in end user to their own id, by the configured attribute, with their confirmed email hash', () => {
    const resolved = resolveCaller(input({ strategy: 'users-permissions', credentials: user }), access);
    expect(resolved).toEqual({
      ok: true,
      caller: {
        kind: 'end-user',
        userId: 'doc-user-7',
        emailSha256: createHash('sha256').update('alice@example.com').digest('hex'),
        limitKeys: [{ limit: 'user', key: 'user:doc-user-7' }],
      },
    });
    for (const [field, expected] of [
      ['id', '7'],
      ['external_id', 'ext-7'],
    ] as const) {
      const config = { ...access, endUserIdField: field };
      expect(resolveCaller(input({ strategy: 'users-permissions', credentials: user }), config)).toMatchObject({
        caller: { userId: expected },
      });
    }
    expect(
      resolveCaller(input({ strategy: 'users-permissions', credentials: { ...user, confirmed: false } }), access)
    ).not.toHaveProperty('caller.emailSha256');
    expect(
      resolveCaller(input({ strategy: 'users-permissions', credentials: user }), { ...access, endUserIdField: 'missing' })
    ).toMatchObject({
      ok: false,
      status: 403,
      code: 'NO_END_USER_ID',
    });
  });

  it('takes the user from a valid assertion, for any caller; counts a public one per address too', () => {
    const assertion = mintUserAssertion({ userId: 'app-user', secret: SECRET });
    expect(resolveCaller(input({ strategy: 'users-permissions', credentials: null, assertion }), access)).toEqual({
      ok: true,
      caller: {
        kind: 'assertion',
        userId: 'app-user',
        limitKeys: [
          { limit: 'user', key: 'assertion:app-user' },
          { limit: 'ip', key: 'ip:203.0.113.9' },
        ],
      },
    });
    expect(resolveCaller(input({ strategy: 'content-api-token', credentials: { id: 3 }, assertion }), access)).toMatchObject({
      caller: { kind: 'assertion', limitKeys: [{ limit: 'user' }, { limit: 'api-token', key: 'token:3' }] },
    });
  });

  it('refuses the Public role without an assertion, any bad assertion, and assertions when no secret is set', () => {
    expect(resolveCaller(input({ strategy: 'users-permissions' }), access)).toMatchObject({
      ok: false,
      status: 401,
      code: 'USER_ASSERTION_REQUIRED',
    });
    expect(resolveCaller(input({ strategy: 'some-other-auth', credentials: { id: 1 } }), access)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(resolveCaller(input({ assertion: 'bua1.x.1.y' }), access)).toMatchObject({
      ok: false,
      status: 401,
      code: 'INVALID_ASSERTION',
    });
    const noSecret = { ...access, assertionSecret: undefined };
    const assertion = mintUserAssertion({ userId: 'app-user', secret: SECRET });
    expect(resolveCaller(input({ assertion }), noSecret)).toMatchObject({
      ok: false,
      status: 401,
      code: 'ASSERTION_NOT_ACCEPTED',
    });
  });
});

describe('whose offers', () => {
  const parsed = (body: object) => {
    const result = parseOffersRequest(body);
    if (!result.success) throw new Error('invalid body');
    return result.request;
  };
  const endUser = { kind: 'end-user' as const, userId: 'u-1', emailSha256: 'a'.repeat(64), limitKeys: [] };

  it("a vouched-for caller gets their own, the body's user_id may repeat it but never name another", () => {
    expect(bindCaller(parsed({}), endUser)).toEqual({
      ok: true,
      query: { button: { user_id: 'u-1', email_sha256s: ['a'.repeat(64)] } },
    });
    expect(bindCaller(parsed({ user_id: 'u-1' }), endUser)).toMatchObject({ ok: true });
    expect(bindCaller(parsed({ user_id: 'u-2' }), endUser)).toMatchObject({ ok: false, status: 403 });
  });

  it("never pushes the request past Button's ten identifiers for the email hash", () => {
    const devices = Array.from({ length: 10 }, (_, i) => `device-${i}`);
    expect(bindCaller(parsed({ device_ids: devices }), endUser)).toMatchObject({
      ok: true,
      query: { button: { device_ids: devices } },
    });
    const bound = bindCaller(parsed({ device_ids: devices }), endUser);
    expect(bound.ok && bound.query.button.email_sha256s).toBeFalsy();
  });

  it('a trusted caller (API token, admin preview) must name the user', () => {
    const token = { kind: 'api-token' as const, limitKeys: [] };
    expect(bindCaller(parsed({ user_id: 'x' }), token)).toEqual({ ok: true, query: { button: { user_id: 'x' } } });
    expect(bindCaller(parsed({}), 'admin')).toEqual({
      ok: false,
      status: 400,
      issues: [{ path: ['user_id'], message: 'is required', name: 'ValidationError' }],
    });
  });
});
