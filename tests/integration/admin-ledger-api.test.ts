import { encodePubRef } from '../../server/src/pub-ref';
import { adminToken, createAdminUser } from '../helpers/admin-users';
import { postWebhook, PUBREF_SECRET, transaction, WEBHOOK_SECRET, webhookEvent } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, startSimulator, type Simulator } from '../helpers/simulator';

/** The admin API behind the pubRef debugger and the Commissions page, over ledger rows written by real webhooks. */
let sim: Simulator;
let app: Playground;
let superToken: string;
let authorToken: string;
const SHOE = 'org-3a1f0c9e2b7d4e51';
const TRAVEL = 'org-5b62d8e4a0c1f733';
// Served to user-1 (the simulator's default publisher_customer_id) the day before the purchase.
const pubRef = encodePubRef(
  { id: 'offer-3a1f0c9e-cat52', rate_percent: '6.4', rate_fixed: null, currency: null },
  PUBREF_SECRET,
  'user-1',
  { now: () => Date.parse('2026-10-31T10:00:00.000Z') }
);

const deliver = async (eventType: string, data: ReturnType<typeof transaction>) => {
  const res = await postWebhook(app, JSON.stringify(webhookEvent(eventType, data)));
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  sim = await startSimulator();
  app = await startPlayground({
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.url,
    BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
    BUTTON_PUBREF_SECRET: PUBREF_SECRET,
  });
  superToken = await adminToken(app, await createAdminUser(app.strapi, 'super@example.com', 'strapi-super-admin'));
  authorToken = await adminToken(app, await createAdminUser(app.strapi, 'author@example.com', 'strapi-author'));

  await deliver(
    'tx-pending',
    transaction({ id: 'tx-1', pubRef, amount: 300, merchantId: SHOE, modifiedDate: '2026-11-01T10:00:00.000Z' })
  );
  await deliver(
    'tx-validated',
    transaction({
      id: 'tx-1',
      pubRef,
      amount: 300,
      status: 'validated',
      merchantId: SHOE,
      modifiedDate: '2026-11-03T10:00:00.000Z',
    })
  );
  // A later tx-pending on the validated tx-1: a conflict, recorded and not applied.
  await deliver(
    'tx-pending',
    transaction({ id: 'tx-1', pubRef, amount: 300, merchantId: SHOE, modifiedDate: '2026-11-04T10:00:00.000Z' })
  );
  await deliver(
    'tx-pending',
    transaction({
      id: 'tx-2',
      pubRef: 'b1~tamperedClick~AAAAAAAAAAAA~p9.9~offer-x',
      amount: 150,
      merchantId: TRAVEL,
      modifiedDate: '2026-11-10T10:00:00.000Z',
    })
  );
  await deliver(
    'tx-declined',
    transaction({
      id: 'tx-3',
      pubRef: null,
      amount: 700,
      status: 'declined',
      merchantId: SHOE,
      currency: 'EUR',
      modifiedDate: '2026-11-20T10:00:00.000Z',
    })
  );
});

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
});

const get = (path: string, token = superToken) => app.http().get(path).set('Authorization', `Bearer ${token}`);
const post = (path: string, body: object, token = superToken) =>
  app.http().post(path).set('Authorization', `Bearer ${token}`).send(body);

describe('pubRef debugger API', () => {
  it('decodes a pubRef for its user, says its tag is valid, and finds the ledger rows that carry it', async () => {
    const res = await post('/button-personalization/pub-refs/decode', { pub_ref: pubRef, user_id: 'user-1' });
    expect(res.status).toBe(200);
    expect(res.body.data.decoded).toMatchObject({
      ok: true,
      version: 2,
      offerId: 'offer-3a1f0c9e-cat52',
      rate: { kind: 'percent', value: '6.4' },
      issuedAt: '2026-10-31T10:00:00.000Z',
      signature: 'valid',
      tagValid: true,
    });
    expect(res.body.data.transactions).toEqual([
      expect.objectContaining({ transaction_id: 'tx-1', status: 'validated', pub_ref_status: 'valid' }),
    ]);
  });

  it('cannot verify a pubRef without the user id, and refuses it for another user', async () => {
    const without = await post('/button-personalization/pub-refs/decode', { pub_ref: pubRef });
    expect(without.body.data).toMatchObject({ user_id: null, decoded: { signature: 'unverified', tagValid: false } });
    const other = await post('/button-personalization/pub-refs/decode', { pub_ref: pubRef, user_id: 'user-2' });
    expect(other.body.data.decoded).toMatchObject({ signature: 'invalid', tagValid: false });
  });

  it('flags a tampered pubRef', async () => {
    const tampered = pubRef.replace('p6.4', 'p9.9');
    const res = await post('/button-personalization/pub-refs/decode', { pub_ref: tampered, user_id: 'user-1' });
    expect(res.body.data.decoded).toMatchObject({ ok: true, signature: 'invalid', tagValid: false, rate: { value: '9.9' } });
  });

  it('says when a string is not one of our pubRefs', async () => {
    const res = await post('/button-personalization/pub-refs/decode', { pub_ref: 'someone-elses-ref' });
    expect(res.body.data.decoded).toEqual({ ok: false, reason: 'not-a-plugin-pub-ref' });
  });

  it('builds a signed test pubRef from chosen fields, within 100 characters', async () => {
    const res = await post('/button-personalization/pub-refs/build', {
      user_id: 'user-9',
      offer_id: 'offer-test-1',
      rate_fixed: '1.50',
      currency: 'USD',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      user_id: 'user-9',
      length: expect.any(Number),
      max_length: 100,
      decoded: { ok: true, offerId: 'offer-test-1', signature: 'valid', rate: { kind: 'fixed', value: '1.50', currency: 'USD' } },
    });
    expect(res.body.data.pub_ref.length).toBeLessThanOrEqual(100);
  });

  it.each([
    [{ user_id: 'u' }, 'offer_id'],
    [{ offer_id: 'o' }, 'user_id'],
    [{ user_id: 'a user', offer_id: 'o' }, 'user_id'],
    [{ user_id: 'u', offer_id: 'o', rate_percent: '4', rate_fixed: '1', currency: 'USD' }, 'rate_fixed'],
    [{ user_id: 'u', offer_id: 'o', rate_fixed: '1' }, 'currency'],
    [{ user_id: 'u', offer_id: 'o', rate_percent: 'four' }, 'rate_percent'],
    [{ user_id: 'u', offer_id: 'o', extra: 1 }, 'extra'],
  ])('rejects %j naming %s', async (body, field) => {
    const res = await post('/button-personalization/pub-refs/build', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path.join('.'))).toContain(field);
  });
});

describe('commissions API', () => {
  it('lists the ledger, newest first, with totals by status and brand per currency', async () => {
    const res = await get('/button-personalization/commissions');
    expect(res.status).toBe(200);
    expect(res.body.data.map((row: { transaction_id: string }) => row.transaction_id)).toEqual(['tx-3', 'tx-2', 'tx-1']);
    expect(res.body.data[0]).not.toHaveProperty('payload');
    expect(res.body.meta.pagination).toMatchObject({ page: 1, total: 3 });
    expect(res.body.meta.totals.count).toBe(3);
    expect(res.body.meta.totals.by_status).toEqual(
      expect.arrayContaining([
        { key: 'validated', count: 1, amounts: { USD: 300 } },
        { key: 'pending', count: 1, amounts: { USD: 150 } },
        { key: 'declined', count: 1, amounts: { EUR: 700 } },
      ])
    );
    expect(res.body.meta.totals.by_brand).toEqual(
      expect.arrayContaining([
        { key: SHOE, count: 2, amounts: { USD: 300, EUR: 700 } },
        { key: TRAVEL, count: 1, amounts: { USD: 150 } },
      ])
    );
  });

  it('filters by status, brand and date range, totals included', async () => {
    const byStatus = await get('/button-personalization/commissions?status=validated');
    expect(byStatus.body.data.map((row: { transaction_id: string }) => row.transaction_id)).toEqual(['tx-1']);
    const byBrand = await get(`/button-personalization/commissions?brand=${TRAVEL}`);
    expect(byBrand.body.meta.totals.count).toBe(1);
    const byDate = await get('/button-personalization/commissions?from=2026-11-05&to=2026-11-15');
    expect(byDate.body.data.map((row: { transaction_id: string }) => row.transaction_id)).toEqual(['tx-2']);
  });

  it('lists and filters the transactions with conflicting events', async () => {
    const all = await get('/button-personalization/commissions');
    expect(
      all.body.data.map((row: { transaction_id: string; conflict_count: number }) => [row.transaction_id, row.conflict_count])
    ).toEqual([
      ['tx-3', 0],
      ['tx-2', 0],
      ['tx-1', 1],
    ]);
    const conflicts = await get('/button-personalization/commissions?conflicts=true');
    expect(conflicts.body.data.map((row: { transaction_id: string }) => row.transaction_id)).toEqual(['tx-1']);
    expect(conflicts.body.meta.totals.count).toBe(1);
  });

  it('rejects bad filters with per-field details', async () => {
    const res = await get('/button-personalization/commissions?status=paid&from=2026-13-40&to=2026-01-01&page=0');
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path.join('.')).sort()).toEqual([
      'from',
      'page',
      'status',
    ]);
  });

  it("shows one transaction's detail with its event history, oldest first", async () => {
    const res = await get('/button-personalization/commissions/tx-1');
    expect(res.status).toBe(200);
    expect(res.body.data.transaction).toMatchObject({
      transaction_id: 'tx-1',
      status: 'validated',
      click_id: expect.any(String),
      offer_id: 'offer-3a1f0c9e-cat52',
    });
    expect(
      res.body.data.events.map((event: { event_type: string; outcome: string }) => [event.event_type, event.outcome])
    ).toEqual([
      ['tx-pending', 'applied'],
      ['tx-validated', 'applied'],
      ['tx-pending', 'conflict'],
    ]);
    expect(res.body.data.transaction).toMatchObject({ conflict_count: 1, pub_ref_status: 'valid', pub_ref_stale: false });
    expect(JSON.stringify(res.body)).not.toContain('"user-1"'); // the customer id is stored hashed
  });

  it('answers 404 for an unknown transaction', async () => {
    const res = await get('/button-personalization/commissions/tx-nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ status: 404, name: 'NotFoundError' });
  });

  it('is closed to an admin role without the plugin permissions', async () => {
    expect((await get('/button-personalization/commissions', authorToken)).status).toBe(403);
    expect((await post('/button-personalization/pub-refs/decode', { pub_ref: pubRef }, authorToken)).status).toBe(403);
    expect((await app.http().get('/button-personalization/commissions')).status).toBe(401);
  });
});
