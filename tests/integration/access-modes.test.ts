import { createHash } from 'node:crypto';
import { mintUserAssertion } from '../../server/src/access/assertion';
import { grantRole, OFFERS_ACTION, startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, startSimulator, type Simulator } from '../helpers/simulator';

/**
 * Every kind of frontend as a caller of the offers endpoint, through a real Strapi: a server with an API token, an
 * app user signed in through Users & Permissions (a real register and login), and a public caller with a signed user
 * assertion; then per-caller fair use. Button's side is the simulator, whose request log says which user Button
 * was asked about.
 */
const OFFERS = '/api/button-personalization/offers';
const ASSERTION_SECRET = 'test-assertion-secret-7f3a';

describe('access modes and fair use', () => {
  let sim: Simulator;
  let app: Playground;
  let apiToken: string;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_ACCESS_ASSERTION_SECRET: ASSERTION_SECRET,
      BUTTON_ACCESS_ASSERTION_MAX_TTL_SECONDS: '600',
      BUTTON_ACCESS_END_USER_EMAIL_HASH: 'true',
      BUTTON_FAIR_USE_PER_USER_PER_MINUTE: '5',
      BUTTON_FAIR_USE_PER_IP_PER_MINUTE: '1000',
      BUTTON_FAIR_USE_PER_API_TOKEN_PER_MINUTE: '8',
    });
    apiToken = await app.createApiToken();
    await grantRole(app.strapi, 'authenticated', OFFERS_ACTION);
    await grantRole(app.strapi, 'public', OFFERS_ACTION);
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  /** What Button was asked since `from` (epoch ms), from the simulator's own log of what it received. */
  const receivedSince = (from: number) =>
    (sim.recentRequests() as Array<{ at: number; body: { user_id: string; email_sha256s?: string[] } }>).filter(
      (request) => request.at >= from
    );
  const askedAbout = (from: number) => receivedSince(from).map((request) => request.body.user_id);
  const post = (body: object, headers: Record<string, string> = {}) => {
    const req = app.http().post(OFFERS);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(body);
  };

  async function signUp(username: string) {
    const email = `${username}@Example.com`;
    const res = await app.http().post('/api/auth/local/register').send({ username, email, password: 'Passw0rd-long-enough' });
    expect(res.status).toBe(200);
    return { jwt: res.body.jwt as string, user: res.body.user as { id: number; documentId: string; email: string } };
  }

  describe('API token (server-to-server): the body names the user', () => {
    it('asks Button about the body user_id, and requires one', async () => {
      const from = Date.now();
      const res = await post({ user_id: 'server-chosen-user' }, { Authorization: `Bearer ${apiToken}` });
      expect(res.status).toBe(200);
      expect(askedAbout(from)).toEqual(['server-chosen-user']);

      const missing = await post({}, { Authorization: `Bearer ${apiToken}` });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details.errors).toEqual([{ path: ['user_id'], message: 'is required', name: 'ValidationError' }]);
    });
  });

  describe('end user (Users & Permissions): the signed-in user, never another', () => {
    it("serves the signed-in user's own offers, with the hash of their confirmed email", async () => {
      const { jwt, user } = await signUp('alice-access');
      const from = Date.now();
      const res = await post({}, { Authorization: `Bearer ${jwt}` });
      expect(res.status).toBe(200);
      const sent = receivedSince(from);
      expect(sent.map((request) => request.body.user_id)).toEqual([user.documentId]);
      const emailHash = createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex');
      expect(sent[0]?.body.email_sha256s).toEqual([emailHash]);
      // The same user named in the body is fine (another user: each has a burst of one request, see fair use).
      const bob = await signUp('bob-access');
      expect((await post({ user_id: bob.user.documentId }, { Authorization: `Bearer ${bob.jwt}` })).status).toBe(200);
    });

    it('refuses a body naming another user (403), and asks Button nothing', async () => {
      const { jwt } = await signUp('mallory-access');
      const from = Date.now();
      const res = await post({ user_id: 'someone-else' }, { Authorization: `Bearer ${jwt}` });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        data: null,
        error: { status: 403, name: 'ForbiddenError', details: { code: 'USER_MISMATCH' } },
      });
      expect(askedAbout(from)).toEqual([]);
    });

    it('refuses a forged or expired JWT (Strapi answers 401 before the plugin)', async () => {
      const res = await post({}, { Authorization: 'Bearer not.a.jwt' });
      expect(res.status).toBe(401);
    });
  });

  describe('signed user assertion (public callers without a Strapi account)', () => {
    const assertion = (userId: string, ttlSeconds = 300, now?: number) =>
      mintUserAssertion({ userId, secret: ASSERTION_SECRET, ttlSeconds, ...(now === undefined ? {} : { now }) });

    it("serves the asserted user's offers to a public caller", async () => {
      const from = Date.now();
      const res = await post({}, { 'X-Button-User-Assertion': assertion('app-user-42') });
      expect(res.status).toBe(200);
      expect(askedAbout(from)).toEqual(['app-user-42']);
      const mismatch = await post({ user_id: 'app-user-43' }, { 'X-Button-User-Assertion': assertion('app-user-42') });
      expect(mismatch.status).toBe(403);
    });

    it.each([
      ['expired', () => assertion('app-user-42', 60, Math.floor(Date.now() / 1000) - 120), 'has expired'],
      ['tampered', () => assertion('app-user-42').replace(/\.[^.]+$/, '.AAAA'), 'has a bad signature'],
      [
        'another user swapped in',
        () => {
          const [version, , expiry, tag] = assertion('app-user-42').split('.');
          return [version, Buffer.from('app-user-43').toString('base64url'), expiry, tag].join('.');
        },
        'has a bad signature',
      ],
      ['signed with another secret', () => mintUserAssertion({ userId: 'app-user-42', secret: 'other' }), 'has a bad signature'],
      ['claiming a day of life', () => assertion('app-user-42', 86_400), 'claims too long a lifetime'],
      ['garbage', () => 'bua1.%%%', 'is malformed'],
    ])('answers 401 to an assertion that is %s, and asks Button nothing', async (_name, token, message) => {
      const from = Date.now();
      const res = await post({}, { 'X-Button-User-Assertion': token() });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError', message: `The user assertion ${message}` });
      expect(askedAbout(from)).toEqual([]);
    });

    it('refuses a public caller without one, whatever the body says', async () => {
      const res = await post({ user_id: 'app-user-42' });
      expect(res.status).toBe(401);
      expect(res.body.error.details.code).toBe('USER_ASSERTION_REQUIRED');
    });
  });

  describe('fair use: per caller, before any Button budget is spent', () => {
    it('limits one end user without touching another', async () => {
      const noisy = await signUp('noisy-access');
      const quiet = await signUp('quiet-access');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) statuses.push((await post({}, { Authorization: `Bearer ${noisy.jwt}` })).status);
      // perUserPerMinute 5: a burst of ceil(5 / 60) = 1, then about one every 12 s.
      expect(statuses[0]).toBe(200);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(6);

      const from = Date.now();
      const refused = await post({}, { Authorization: `Bearer ${noisy.jwt}` });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({
        data: null,
        error: { status: 429, name: 'RateLimitError', details: { code: 'CALLER_RATE_LIMITED', limit: 'user' } },
      });
      expect(askedAbout(from)).toEqual([]); // refused before Button
      expect((await post({}, { Authorization: `Bearer ${quiet.jwt}` })).status).toBe(200);
    });

    it('limits one API token without touching another', async () => {
      const busy = await app.createApiToken();
      const other = await app.createApiToken();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await post({ user_id: 'u' }, { Authorization: `Bearer ${busy}` })).status);
      expect(statuses).toContain(429);
      const refused = await post({ user_id: 'u' }, { Authorization: `Bearer ${busy}` });
      expect(refused.body.error.details).toEqual({ code: 'CALLER_RATE_LIMITED', limit: 'api-token' });
      expect((await post({ user_id: 'u' }, { Authorization: `Bearer ${other}` })).status).toBe(200);
    });
  });

  it('never logs an assertion, a JWT or a user id', () => {
    const logs = app.logs.join('\n');
    for (const secret of [ASSERTION_SECRET, 'app-user-42', 'server-chosen-user', 'bua1.']) expect(logs).not.toContain(secret);
  });
});
