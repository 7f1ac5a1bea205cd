import { encodePubRef, type OfferForPubRef } from '../../server/src/pub-ref';
import type { DatabaseClient } from '../helpers/databases';
import {
  countAll,
  eventsOf,
  postWebhook,
  PUBREF_SECRET,
  transaction,
  transactionsOf,
  WEBHOOK_EVENT_UID,
  WEBHOOK_PATH,
  WEBHOOK_SECRET,
  webhookEvent,
} from '../helpers/ledger';
import { adminToken, createAdminUser } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { createHash } from 'node:crypto';

/**
 * Issue 8 (2b, 2c, 2d, 4b) on a real Strapi over HTTP, on SQLite, PostgreSQL and MariaDB: pubRefs bound to the
 * user they were served to, final states that a later event cannot silently regress, payloads that every
 * database can store whatever a validly signed body holds, and webhook deliveries in Strapi's access log.
 */
const OFFER: OfferForPubRef = { id: 'offer-3a1f0c9e-cat12', rate_percent: '6.5', rate_fixed: null, currency: null };
const issue = (userId: string, now?: Date) =>
  encodePubRef(OFFER, PUBREF_SECRET, userId, now ? { now: () => now.getTime() } : undefined);

type Status = 'pending' | 'validated' | 'declined';

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('ledger integrity on %s', (client) => {
  let app: Playground;
  /** Hook deliveries run after the answer to Button (the outbox): wait for them before reading `changes`. */
  const settle = () => app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
  const changes: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    app = await startPlayground({ BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET, BUTTON_PUBREF_SECRET: PUBREF_SECRET }, client);
    app.strapi
      .plugin('button-personalization')
      .service('commissions')
      .onStateChange((change: Record<string, unknown>) => {
        changes.push(change);
      });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const txEvent = (
    status: Status,
    modifiedDate: string,
    extra: { id?: string; pubRef?: string | null; customerId?: string; createdDate?: string } = {}
  ) => {
    const data = transaction({
      id: extra.id,
      status,
      modifiedDate,
      pubRef: extra.pubRef === undefined ? issue('reader-42', new Date('2026-03-01T09:00:00Z')) : extra.pubRef,
      customerId: extra.customerId ?? 'reader-42',
    });
    if (extra.createdDate) data.created_date = extra.createdDate;
    return webhookEvent(`tx-${status}`, data);
  };

  describe('pubRef binding (2b)', () => {
    it("reports user A's pubRef on user B's transaction as invalid, never valid", async () => {
      const aliceRef = issue('alice', new Date('2026-03-01T09:00:00Z'));
      const onBob = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: aliceRef, customerId: 'bob' });
      await settle(); // deliveries of earlier tests have landed
      const before = changes.length;
      await postWebhook(app, JSON.stringify(onBob)).expect(200);
      const [row] = await transactionsOf(app.strapi, onBob.data.id as string);
      expect(row).toMatchObject({ pub_ref: aliceRef, pub_ref_status: 'invalid', pub_ref_tag_valid: false });
      await settle();
      expect(changes.slice(before)).toEqual([expect.objectContaining({ tagValid: false, pubRefStatus: 'invalid' })]);

      const onAlice = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: aliceRef, customerId: 'alice' });
      await postWebhook(app, JSON.stringify(onAlice)).expect(200);
      expect((await transactionsOf(app.strapi, onAlice.data.id as string))[0]).toMatchObject({
        pub_ref_status: 'valid',
        pub_ref_tag_valid: true,
      });
    });

    it('never reports valid without a publisher_customer_id', async () => {
      const event = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: issue('alice') });
      delete (event.data as Record<string, unknown>).publisher_customer_id;
      await postWebhook(app, JSON.stringify(event)).expect(200);
      expect((await transactionsOf(app.strapi, event.data.id as string))[0]).toMatchObject({
        pub_ref_status: 'unverified',
        pub_ref_tag_valid: false,
      });
    });

    it('flags a pubRef issued after the transaction, or older than the maximum age, as stale', async () => {
      const late = txEvent('pending', '2026-03-01T10:00:00Z', {
        pubRef: issue('reader-42', new Date('2026-03-02T10:00:00Z')),
        createdDate: '2026-03-01T10:00:00Z',
      });
      const old = txEvent('pending', '2026-03-01T10:00:00Z', {
        pubRef: issue('reader-42', new Date('2025-01-01T10:00:00Z')),
        createdDate: '2026-03-01T10:00:00Z',
      });
      const fresh = txEvent('pending', '2026-03-01T10:00:00Z', {
        pubRef: issue('reader-42', new Date('2026-02-28T10:00:00Z')),
        createdDate: '2026-03-01T10:00:00Z',
      });
      await settle(); // deliveries of earlier tests have landed
      const before = changes.length;
      for (const event of [late, old, fresh]) await postWebhook(app, JSON.stringify(event)).expect(200);
      const stale = async (event: typeof late) => (await transactionsOf(app.strapi, event.data.id as string))[0];
      expect(await stale(late)).toMatchObject({ pub_ref_status: 'valid', pub_ref_stale: true });
      expect(await stale(old)).toMatchObject({ pub_ref_status: 'valid', pub_ref_stale: true });
      expect(await stale(fresh)).toMatchObject({ pub_ref_status: 'valid', pub_ref_stale: false });
      await settle();
      expect(changes.slice(before).map((change) => change.pubRefStale)).toEqual([true, true, false]);
      await settle();
      expect(changes[changes.length - 1]).toMatchObject({ pubRefIssuedAt: '2026-02-28T10:00:00.000Z', tagValid: true });
    });

    it('tells the hook how many other transactions carry the same click id', async () => {
      const ref = issue('reader-42');
      const first = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: ref });
      const second = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: ref });
      await settle(); // deliveries of earlier tests have landed
      const before = changes.length;
      await postWebhook(app, JSON.stringify(first)).expect(200);
      await postWebhook(app, JSON.stringify(second)).expect(200);
      await settle();
      expect(changes.slice(before).map((change) => change.clickIdTransactions)).toEqual([0, 1]);
      // Queryable too: the Commissions API lists a click id's transactions, and the detail counts the others.
      const clickId = ref.split('~')[1] as string;
      const token = await adminToken(
        app,
        await createAdminUser(app.strapi, `clicks-${client}@example.com`, 'strapi-super-admin')
      );
      const list = await app
        .http()
        .get(`/button-personalization/commissions?click_id=${clickId}`)
        .set('Authorization', `Bearer ${token}`);
      expect(list.body.data.map((row: { transaction_id: string }) => row.transaction_id).sort()).toEqual(
        [first.data.id, second.data.id].sort()
      );
      const detail = await app
        .http()
        .get(`/button-personalization/commissions/${second.data.id as string}`)
        .set('Authorization', `Bearer ${token}`);
      expect(detail.body.data.transaction).toMatchObject({ click_id: clickId, click_id_transactions: 1 });
    });
  });

  describe('final states (2c)', () => {
    it.each<[string, Status, Status]>([
      ['a later tx-pending on a validated transaction', 'validated', 'pending'],
      ['a later tx-pending on a declined transaction', 'declined', 'pending'],
      ['a later tx-declined on a validated transaction', 'validated', 'declined'],
      ['a later tx-validated on a declined transaction', 'declined', 'validated'],
    ])('records %s as a conflict and does not apply it', async (_label, final, later) => {
      const txId = `tx-final-${final}-${later}-${client}`;
      await postWebhook(app, JSON.stringify(txEvent('pending', '2026-03-01T10:00:00Z', { id: txId }))).expect(200);
      await postWebhook(app, JSON.stringify(txEvent(final, '2026-03-02T10:00:00Z', { id: txId }))).expect(200);
      await settle(); // deliveries of earlier tests have landed
      const before = changes.length;
      const regress = txEvent(later, '2026-03-03T10:00:00Z', { id: txId });
      const res = await postWebhook(app, JSON.stringify(regress));
      expect(res.status).toBe(200);
      expect(res.body.data.outcome).toBe('conflict');
      const [row] = await transactionsOf(app.strapi, txId);
      expect(row).toMatchObject({ status: final, conflict_count: 1 });
      expect(await eventsOf(app.strapi, { event_id: regress.id })).toEqual([expect.objectContaining({ outcome: 'conflict' })]);
      await settle();
      expect(changes.length).toBe(before);
    });

    it('applies a late, older final state over a newer pending: a final status is never lost', async () => {
      const txId = `tx-late-final-${client}`;
      await postWebhook(app, JSON.stringify(txEvent('pending', '2026-03-03T10:00:00Z', { id: txId }))).expect(200);
      const late = txEvent('validated', '2026-03-02T10:00:00Z', { id: txId });
      expect((await postWebhook(app, JSON.stringify(late))).body.data.outcome).toBe('applied');
      expect((await transactionsOf(app.strapi, txId))[0]).toMatchObject({ status: 'validated', conflict_count: 0 });
    });

    it('records the other final state as a conflict even when it is older', async () => {
      const txId = `tx-older-final-${client}`;
      await postWebhook(app, JSON.stringify(txEvent('validated', '2026-03-02T10:00:00Z', { id: txId }))).expect(200);
      const older = txEvent('declined', '2026-03-01T10:00:00Z', { id: txId });
      expect((await postWebhook(app, JSON.stringify(older))).body.data.outcome).toBe('conflict');
      expect((await transactionsOf(app.strapi, txId))[0]).toMatchObject({ status: 'validated', conflict_count: 1 });
    });

    it('still applies a newer same-status event (an adjustment) to a final transaction', async () => {
      const txId = `tx-adjust-${client}`;
      await postWebhook(app, JSON.stringify(txEvent('validated', '2026-03-02T10:00:00Z', { id: txId }))).expect(200);
      const adjustment = txEvent('validated', '2026-03-03T10:00:00Z', { id: txId });
      (adjustment.data as Record<string, unknown>).amount = 199;
      expect((await postWebhook(app, JSON.stringify(adjustment))).body.data.outcome).toBe('applied');
      expect((await transactionsOf(app.strapi, txId))[0]).toMatchObject({ status: 'validated', amount: 199, conflict_count: 0 });
    });
  });

  describe('payloads every database stores (2d)', () => {
    // Built as text: JSON.stringify itself overflows the stack on 5,000 levels.
    const deep = (levels: number): string => {
      let open = '';
      let close = '';
      for (let i = 0; i < levels; i += 1) {
        open += i % 2 === 0 ? '{"level":' : '[';
        close = (i % 2 === 0 ? '}' : ']') + close;
      }
      return `${open}"bottom"${close}`;
    };

    it.each<[string, (event: ReturnType<typeof txEvent>) => void]>([
      ['a NUL in a string of the payload', (e) => ((e.data as Record<string, unknown>).order_id = 'order\u0000-1')],
      ['a NUL in a key of the payload', (e) => ((e.data as Record<string, unknown>)['extra\u0000key'] = 'x')],
      ['a NUL in a stored column (category)', (e) => ((e.data as Record<string, unknown>).category = 'new-user\u0000order')],
      ['a lone surrogate', (e) => ((e.data as Record<string, unknown>).note = 'a\ud800b')],
      ['40 levels of nesting', (e) => ((e.data as Record<string, unknown>).extra = '__deep40__')],
      ['5,000 levels of nesting', (e) => ((e.data as Record<string, unknown>).extra = '__deep5000__')],
    ])('stores and acknowledges %s, marked sanitised, with the hash of the exact bytes', async (_label, mutate) => {
      const event = txEvent('pending', '2026-03-01T10:00:00Z');
      mutate(event);
      const body = JSON.stringify(event).replace(`"__deep40__"`, deep(40)).replace(`"__deep5000__"`, deep(5000));
      const res = await postWebhook(app, body);
      expect(res.status).toBe(200);
      expect(res.body.data.outcome).toBe('applied');
      const [stored] = (await app.strapi.db
        .query(WEBHOOK_EVENT_UID as never)
        .findMany({ where: { event_id: event.id } })) as Array<Record<string, unknown>>;
      const sha = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
      expect(stored).toMatchObject({ outcome: 'applied', payload_sanitised: true, payload_sha256: sha });
      expect(JSON.stringify(stored?.payload)).not.toContain('\\u0000');
      const [row] = await transactionsOf(app.strapi, event.data.id as string);
      expect(row).toMatchObject({ payload_sanitised: true, payload_sha256: sha });
    });

    it('keeps an ordinary payload as received (not marked sanitised)', async () => {
      const event = txEvent('pending', '2026-03-01T10:00:00Z');
      const body = JSON.stringify(event);
      await postWebhook(app, body).expect(200);
      const [stored] = (await app.strapi.db
        .query(WEBHOOK_EVENT_UID as never)
        .findMany({ where: { event_id: event.id } })) as Array<Record<string, unknown>>;
      expect(stored).toMatchObject({
        payload_sanitised: false,
        payload_sha256: createHash('sha256').update(body).digest('hex'),
      });
    });

    it('refuses (400, stored nothing) an event or transaction id with control characters: they are keys', async () => {
      const before = await countAll(app.strapi);
      const badEvent = { ...txEvent('pending', '2026-03-01T10:00:00Z'), id: 'hook-\u0000x' };
      const badTx = txEvent('pending', '2026-03-01T10:00:00Z', { id: 'tx-\u0000x' });
      expect((await postWebhook(app, JSON.stringify(badEvent))).status).toBe(400);
      expect((await postWebhook(app, JSON.stringify(badTx))).status).toBe(400);
      expect(await countAll(app.strapi)).toEqual(before);
    });
  });

  describe('access log (4b)', () => {
    it('writes the same line as strapi::logger for every webhook delivery', async () => {
      const event = txEvent('pending', '2026-03-01T10:00:00Z');
      await postWebhook(app, JSON.stringify(event)).expect(200);
      await postWebhook(app, JSON.stringify(event), 'bad').expect(401);
      await app.http().get(`${WEBHOOK_PATH}?probe=1`).expect(405);
      const lines = app.logs.map((line) => JSON.parse(line) as { level: string; message: string });
      const access = lines.filter((line) => line.message.includes(WEBHOOK_PATH));
      expect(access).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            level: 'http',
            message: expect.stringMatching(/^POST \/api\/button-personalization\/webhooks \(\d+ ms\) 200$/),
          }),
          expect.objectContaining({
            level: 'http',
            message: expect.stringMatching(/^POST \/api\/button-personalization\/webhooks \(\d+ ms\) 401$/),
          }),
          expect.objectContaining({
            level: 'http',
            message: expect.stringMatching(/^GET \/api\/button-personalization\/webhooks\?probe=1 \(\d+ ms\) 405$/),
          }),
        ])
      );
    });
  });
});
