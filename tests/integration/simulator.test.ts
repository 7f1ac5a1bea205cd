import request from 'supertest';
import { createButtonSimulator, offersFor, validateOffersRequest } from '../../simulator';

/** The simulator is test infrastructure other suites trust: it gets tests of its own. */
describe('Button simulator', () => {
  const sim = createButtonSimulator({ apiKey: 'k' });
  const auth = `Basic ${Buffer.from('k:').toString('base64')}`;
  const offers = (body: unknown, authorization = auth) =>
    request(sim.url)
      .post('/v1/offers')
      .set('Authorization', authorization)
      .set('Content-Type', 'application/json')
      .send(body as object);

  beforeAll(() => sim.start());
  afterEach(() => sim.reset());
  afterAll(() => sim.stop());

  it("answers with Button's envelope and deterministic offers", async () => {
    const res = await offers({ user_id: 'user-7' });
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ status: 'ok' });
    expect(res.body.object.merchant_offers).toEqual(offersFor('user-7'));
    expect((await offers({ user_id: 'user-7' })).body.object.merchant_offers).toEqual(res.body.object.merchant_offers);
  });

  it('generates decimal-string rates, ranks from 1, and a fixed offer with its currency', () => {
    const all = Array.from({ length: 50 }, (_, i) => offersFor(`u${i}`)).flat();
    const offerList = all.flatMap((merchant) => merchant.offers);
    expect(offerList.every((offer) => offer.rank >= 1)).toBe(true);
    expect(
      offerList.filter((offer) => 'rate_percent' in offer).every((offer) => /^\d+\.\d$/.test(String(offer.rate_percent)))
    ).toBe(true);
    expect(offerList.some((offer) => 'rate_fixed' in offer && offer.currency === 'USD')).toBe(true);
  });

  it('checks Basic auth', async () => {
    const res = await offers({ user_id: 'u' }, `Basic ${Buffer.from('wrong:').toString('base64')}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ meta: { status: 'error' }, error: { message: 'Unauthorized' } });
  });

  it.each([
    [{}, /user_id/],
    [{ user_id: 'has space' }, /user_id/],
    [{ user_id: 'u', email_sha256s: ['nothex'] }, /email_sha256s/],
    [{ user_id: 'u', device_ids: Array.from({ length: 11 }, (_, i) => `d${i}`) }, /at most 10/],
  ])('validates like Button: %j', async (body, message) => {
    expect(validateOffersRequest(body)).toMatch(message);
    const res = await offers(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('restricts to one merchant on merchant_id', async () => {
    const [first] = offersFor('u1');
    const res = await offers({ user_id: 'u1', merchant_id: first!.merchant_id });
    expect(res.body.object.merchant_offers).toEqual([first]);
  });

  it('injects faults from the control endpoint and counts them', async () => {
    await request(sim.url)
      .put('/__simulator/faults')
      .send({ rules: [{ kind: 'status', status: 503, retryAfter: '2', times: 1 }] })
      .expect(200);
    const failed = await offers({ user_id: 'u' });
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('2');
    expect((await offers({ user_id: 'u' })).status).toBe(200);
    const stats = (await request(sim.url).get('/__simulator/stats').expect(200)).body;
    expect(stats).toMatchObject({ requestsReceived: 2, offersServed: 1, faultsFired: { status: 1 } });
  });

  it('refuses a bad fault setting with a message naming it', async () => {
    const res = await request(sim.url)
      .put('/__simulator/faults')
      .send({ rules: [{ kind: 'explode' }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/rules\[0\]\.kind/);
  });

  it('applies a probability rule reproducibly with a seed', async () => {
    const run = async () => {
      sim.faults.set({ seed: 42, rules: [{ kind: 'status', status: 500, probability: 0.3 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i += 1) statuses.push((await offers({ user_id: 'u' })).status);
      return statuses;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(first.filter((status) => status === 500).length).toBeGreaterThan(0);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(0);
  });

  it('serves malformed and schema-breaking bodies on demand', async () => {
    sim.faults.set({
      rules: [
        { kind: 'malformed', times: 1 },
        { kind: 'schema', times: 1 },
      ],
    });
    const malformed = await offers({ user_id: 'u' })
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
    expect(() => JSON.parse(malformed.body as string)).toThrow();
    expect((await offers({ user_id: 'u' })).body.object.merchant_offers).toBe('not-a-list');
  });

  it('resets connections on demand', async () => {
    sim.faults.set({ rules: [{ kind: 'reset', times: 1 }] });
    await expect(offers({ user_id: 'u' })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
