import { mintUserAssertion } from '../../server/src/access/assertion';
import { createMerchantOffer } from '../helpers/fixtures';
import { grantRole, OFFERS_ACTION, startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, startSimulator, type Simulator } from '../helpers/simulator';

/**
 * The `buttonOffers` GraphQL query, with @strapi/plugin-graphql installed in the playground: the same answer as the
 * REST endpoint, under the same permission, access modes and fair-use limits, with typed output, and nothing of
 * the plugin's writable.
 */
const ASSERTION_SECRET = 'graphql-assertion-secret';
const QUERY = /* GraphQL */ `
  query Offers($input: ButtonOffersInput!) {
    buttonOffers(input: $input) {
      data {
        merchant_id
        best_offer_id
        merchant {
          name
          cta_url
          logo {
            url
          }
        }
        offers {
          id
          rate_percent
          rate_fixed
          currency
          headline
          pub_ref
          display_params
        }
      }
      meta {
        request_id
        attempts
        unmapped_merchant_ids
      }
    }
  }
`;

describe('GraphQL buttonOffers', () => {
  let sim: Simulator;
  let app: Playground;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_PUBREF_SECRET: 'graphql-pubref-secret',
      BUTTON_ACCESS_ASSERTION_SECRET: ASSERTION_SECRET,
      BUTTON_FAIR_USE_PER_USER_PER_MINUTE: '2',
    });
    token = await app.createApiToken();
    await grantRole(app.strapi, 'public', OFFERS_ACTION);
    await grantRole(app.strapi, 'authenticated', OFFERS_ACTION);
    for (const { merchant_id: merchant } of MERCHANTS.slice(0, 2)) {
      await createMerchantOffer(app.strapi, { merchant_id: merchant, name: `Shop ${merchant}`, cta_url: 'https://shop.example' });
    }
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  const graphql = (headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}) => {
    const req = app.http().post('/graphql');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send({ query, variables });
  };
  const bearer = (value: string) => ({ Authorization: `Bearer ${value}` });
  /** What does not change between two calls for the same user (ids, request timing and pubRef nonces aside). */
  const stable = (data: Array<{ merchant_id: string; offers: Array<{ id: string; rate_percent: string | null }> }>) =>
    data.map((entry) => ({
      merchant_id: entry.merchant_id,
      offers: entry.offers.map((offer) => [offer.id, offer.rate_percent]),
    }));

  it('answers what the REST endpoint answers, typed', async () => {
    const rest = await app.http().post('/api/button-personalization/offers').set(bearer(token)).send({ user_id: 'gql-user' });
    expect(rest.status).toBe(200);
    const res = await graphql(bearer(token), QUERY, { input: { user_id: 'gql-user' } });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const answer = res.body.data.buttonOffers;
    expect(stable(answer.data)).toEqual(stable(rest.body.data));
    expect(answer.data.length).toBeGreaterThan(0);
    const mapped = answer.data.find((entry: { merchant: unknown }) => entry.merchant !== null);
    expect(mapped.merchant).toMatchObject({ name: expect.stringMatching(/^Shop /), cta_url: 'https://shop.example' });
    expect(mapped.offers[0].pub_ref).toMatch(/^b2~/);
    expect(answer.meta.attempts).toBe(1);
  });

  it('declares typed output in the schema, and adds no mutation', async () => {
    const res = await graphql(
      bearer(token),
      '{ t: __type(name: "ButtonOffersResponse") { fields { name type { kind ofType { kind ofType { kind ofType { name } } } } } } m: __schema { mutationType { fields { name } } } }'
    );
    expect(res.body.data.t.fields.map((field: { name: string }) => field.name)).toEqual(['data', 'meta']);
    expect(res.body.data.t.fields[0].type.ofType.ofType.ofType.name).toBe('ButtonMerchantOffers');
    const mutations = (res.body.data.m.mutationType?.fields ?? []).map((field: { name: string }) => field.name);
    expect(mutations.filter((name: string) => /button/i.test(name))).toEqual([]);
  });

  it('refuses a token without the offers permission, before calling Button', async () => {
    const scrapeOnly = await app.createApiToken(['plugin::button-personalization.metrics.scrape']);
    const before = sim.stats().requestsReceived;
    const res = await graphql(bearer(scrapeOnly), QUERY, { input: { user_id: 'gql-user' } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(sim.stats().requestsReceived).toBe(before);
  });

  it('validates input as REST does: per-field details', async () => {
    const res = await graphql(bearer(token), QUERY, { input: { user_id: 'gql-user', emails: ['not-an-email'] } });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].extensions.error.details.errors).toEqual([
      { path: ['emails', '0'], message: 'must be an email address', name: 'ValidationError' },
    ]);
  });

  it("binds an end user to their own offers, refusing another user's", async () => {
    const register = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: 'gql-end-user', email: 'gql-end-user@example.com', password: 'Passw0rd-long-enough' });
    const jwt = register.body.jwt as string;
    const own = await graphql(bearer(jwt), QUERY, { input: {} });
    expect(own.body.errors).toBeUndefined();
    const other = await graphql(bearer(jwt), QUERY, { input: { user_id: 'someone-else' } });
    expect(other.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', error: { details: { code: 'USER_MISMATCH' } } });
    // perUserPerMinute 2: a burst of one, then 429s as REST answers them, with the seconds to wait.
    const limited = await graphql(bearer(jwt), QUERY, { input: {} });
    expect(limited.body.errors[0].extensions).toMatchObject({
      code: 'STRAPI_RATE_LIMIT_ERROR',
      error: { name: 'RateLimitError', details: { code: 'CALLER_RATE_LIMITED', limit: 'user', retryAfter: expect.any(Number) } },
    });
  });

  it('serves a public caller only with a signed user assertion', async () => {
    const without = await graphql({}, QUERY, { input: { user_id: 'gql-public' } });
    expect(without.body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      error: { details: { code: 'USER_ASSERTION_REQUIRED' } },
    });
    const assertion = mintUserAssertion({ userId: 'gql-public', secret: ASSERTION_SECRET });
    const withAssertion = await graphql({ 'X-Button-User-Assertion': assertion }, QUERY, { input: {} });
    expect(withAssertion.body.errors).toBeUndefined();
    expect(withAssertion.body.data.buttonOffers.data.length).toBeGreaterThan(0);
  });

  it('answers Button outages as REST does (503 code, seconds to wait)', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 503, message: 'down' }] });
    try {
      const res = await graphql(bearer(token), QUERY, { input: { user_id: 'gql-user' } });
      expect(res.body.errors[0].extensions).toMatchObject({
        code: 'STRAPI_SERVICE_UNAVAILABLE_ERROR',
        error: { name: 'ServiceUnavailableError', details: { code: 'UPSTREAM_UNAVAILABLE' } },
      });
    } finally {
      sim.faults.clear();
    }
  });
});
