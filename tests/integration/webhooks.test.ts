import { encodePubRef } from '../../server/src/pub-ref';
import type { DatabaseClient } from '../helpers/databases';
import {
  countAll,
  eventsOf,
  postWebhook,
  PUBREF_SECRET,
  signBody,
  transaction,
  transactionsOf,
  WEBHOOK_PATH,
  WEBHOOK_SECRET,
  webhookEvent,
} from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';

/**
 * The webhook endpoint and the ledger behind it, on a real Strapi over HTTP, on SQLite and on the machine's
 * PostgreSQL and MariaDB: signatures, status codes, idempotency under concurrency, ordering, tampering.
 */
const OFFER = { id: 'offer-3a1f0c9e-cat12', rate_percent: '6.5', rate_fixed: null, currency: null };

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('webhooks on %s', (client) => {
  let app: Playground;
  /** Hook deliveries run after the answer to Button (the outbox): wait for them before reading `changes`. */
  const settle = () => app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
  const changes: Array<{
    transactionId: string;
    previousStatus: string | null;
    status: string;
    publisherCustomerId: string | null;
  }> = [];
  const hubEvents: unknown[] = [];

  beforeAll(async () => {
    app = await startPlayground({ BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET, BUTTON_PUBREF_SECRET: PUBREF_SECRET }, client);
    app.strapi
      .plugin('button-personalization')
      .service('commissions')
      .onStateChange((change: (typeof changes)[number]) => {
        changes.push(change);
      });
    app.strapi.eventHub.on('button-personalization.transaction.state-changed', async (payload: unknown) => {
      hubEvents.push(payload);
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const txEvent = (
    status: 'pending' | 'validated' | 'declined',
    modifiedDate: string,
    extra: { id?: string; pubRef?: string | null } = {}
  ) =>
    webhookEvent(
      `tx-${status}`,
      transaction({
        id: extra.id,
        status,
        modifiedDate,
        pubRef: extra.pubRef ?? encodePubRef(OFFER, PUBREF_SECRET, 'reader-42'),
        customerId: 'reader-42',
      })
    );

  it('really runs on that database', () => {
    expect(app.strapi.db.config.connection.client).toBe(client);
  });

  it('stores a correctly signed event and answers 200 with what it did', async () => {
    const event = txEvent('pending', '2026-03-01T10:00:00Z');
    const res = await postWebhook(app, JSON.stringify(event));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { event_id: event.id, event_type: 'tx-pending', transaction_id: event.data.id, outcome: 'applied' },
    });

    const [row, ...others] = await transactionsOf(app.strapi, event.data.id as string);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({
      status: 'pending',
      amount: 250,
      pub_ref_status: 'valid',
      pub_ref_tag_valid: true,
      offer_id: OFFER.id,
      rate_kind: 'percent',
      rate_value: '6.5',
      last_webhook_id: event.id,
    });
    expect(row?.click_id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('stores no user id in the clear: a keyed hash in its column and in the stored payload', async () => {
    const event = txEvent('pending', '2026-03-01T10:00:00Z');
    await postWebhook(app, JSON.stringify(event)).expect(200);
    const [row] = await transactionsOf(app.strapi, event.data.id as string);
    const hash = app.strapi.plugin('button-personalization').service('commissions').customerHash('reader-42');
    expect(row?.publisher_customer_hash).toBe(hash);
    expect(JSON.stringify(row)).not.toContain('reader-42');
    const [stored] = (await app.strapi.db
      .query('plugin::button-personalization.webhook-event' as never)
      .findMany({ where: { event_id: event.id } })) as Array<{ payload: unknown }>;
    expect(JSON.stringify(stored)).not.toContain('reader-42');
  });

  it.each([
    ['missing', null, 'Missing X-Button-Signature header'],
    ['wrong-key', 'bad', 'Invalid X-Button-Signature'],
    ['not hex', 'zz', 'Invalid X-Button-Signature'],
  ])('refuses a %s signature with 401 and stores nothing', async (_label, kind, message) => {
    const before = await countAll(app.strapi);
    const body = JSON.stringify(txEvent('pending', '2026-03-01T10:00:00Z'));
    const signature = kind === null ? null : kind === 'bad' ? signBody(body, 'not-the-secret') : kind;
    const res = await postWebhook(app, body, signature);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      data: null,
      error: { status: 401, name: 'UnauthorizedError', message, details: expect.any(Object) },
    });
    expect(await countAll(app.strapi)).toEqual(before);
  });

  it('refuses a body changed after signing (401), even by one byte or whitespace', async () => {
    const before = await countAll(app.strapi);
    const body = JSON.stringify(txEvent('pending', '2026-03-01T10:00:00Z'));
    const signature = signBody(body, WEBHOOK_SECRET);
    await postWebhook(app, body.replace('"amount":250', '"amount":999'), signature).expect(401);
    // Same JSON value, different bytes: a re-serialising verifier would accept this one.
    await postWebhook(app, body.replace('{', '{ '), signature).expect(401);
    expect(await countAll(app.strapi)).toEqual(before);
  });

  it.each([
    ['malformed JSON', '{"id": "hook-1", "event_type": "tx-pending", "data": {', /not valid JSON/],
    ['not an object', '[1, 2]', /JSON object/],
    ['no event id', JSON.stringify({ event_type: 'tx-pending', data: {} }), /Invalid webhook event/],
    [
      'a transaction without status',
      JSON.stringify({ id: 'hook-x', event_type: 'tx-pending', data: { id: 'tx-1', modified_date: '2026-03-01T10:00:00Z' } }),
      /Invalid webhook event/,
    ],
    [
      'money as a decimal string',
      JSON.stringify(webhookEvent('tx-pending', { ...transaction({ pubRef: null }), amount: '2.50' })),
      /Invalid webhook event/,
    ],
  ])('answers 400 for %s, correctly signed, and stores nothing', async (_label, body, message) => {
    const before = await countAll(app.strapi);
    const res = await postWebhook(app, body);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.error).toMatchObject({ status: 400, name: 'ValidationError', message: expect.stringMatching(message) });
    expect(await countAll(app.strapi)).toEqual(before);
  });

  it('acknowledges an unknown event type, logs it, and stores no transaction', async () => {
    const before = await countAll(app.strapi);
    const event = { id: 'hook-unknown-1', event_type: 'order-shipped', data: { anything: true } };
    const res = await postWebhook(app, JSON.stringify(event));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ outcome: 'ignored', transaction_id: null });
    const after = await countAll(app.strapi);
    expect(after.transactions).toBe(before.transactions);
    expect(await eventsOf(app.strapi, { event_id: 'hook-unknown-1' })).toEqual([
      expect.objectContaining({ outcome: 'ignored', payload: null }),
    ]);
    expect(app.logs.join('\n')).toMatch(/unknown event type .*order-shipped.*acknowledged/);
  });

  it('refuses bodies over the size limit with 413', async () => {
    const body = JSON.stringify({ ...txEvent('pending', '2026-03-01T10:00:00Z'), padding: 'x'.repeat(300 * 1024) });
    const res = await postWebhook(app, body);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError' });
  });

  it('answers 405 to other methods on the webhook path', async () => {
    const res = await app.http().get(WEBHOOK_PATH);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('keeps one event row and one transaction row when an event is delivered again and again', async () => {
    const event = txEvent('pending', '2026-03-01T10:00:00Z');
    const body = JSON.stringify(event);
    await settle(); // deliveries of earlier tests have landed
    const changesBefore = changes.length;
    for (let i = 0; i < 3; i += 1) {
      const res = await postWebhook(app, body);
      expect(res.status).toBe(200);
      expect(res.body.data.outcome).toBe(i === 0 ? 'applied' : 'duplicate');
    }
    expect(await eventsOf(app.strapi, { event_id: event.id })).toHaveLength(1);
    expect(await transactionsOf(app.strapi, event.data.id as string)).toHaveLength(1);
    await settle();
    expect(changes.length - changesBefore).toBe(1);
  });

  it('keeps one event row and one transaction row under 10 concurrent deliveries of one event', async () => {
    const event = txEvent('validated', '2026-03-01T10:00:00Z');
    const body = JSON.stringify(event);
    await settle(); // deliveries of earlier tests have landed
    const changesBefore = changes.length;
    const answers = await Promise.all(Array.from({ length: 10 }, () => postWebhook(app, body)));
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
    const outcomes = answers.map((res) => res.body.data.outcome).sort();
    expect(outcomes).toEqual(['applied', ...Array(9).fill('duplicate')]);
    expect(await eventsOf(app.strapi, { event_id: event.id })).toHaveLength(1);
    expect(await transactionsOf(app.strapi, event.data.id as string)).toHaveLength(1);
    await settle();
    expect(changes.length - changesBefore).toBe(1);
  });

  it('applies the newest state by modified_date, and a late older delivery never moves it back', async () => {
    const txId = `tx-order-${client}`;
    const pending = txEvent('pending', '2026-03-01T10:00:00Z', { id: txId });
    const validated = txEvent('validated', '2026-03-02T10:00:00Z', { id: txId });
    await settle(); // deliveries of earlier tests have landed
    const changesBefore = changes.length;

    expect((await postWebhook(app, JSON.stringify(validated))).body.data.outcome).toBe('applied');
    expect((await postWebhook(app, JSON.stringify(pending))).body.data.outcome).toBe('stale');
    const [row] = await transactionsOf(app.strapi, txId);
    expect(row).toMatchObject({ status: 'validated', last_webhook_id: validated.id });
    expect(await eventsOf(app.strapi, { transaction_id: txId })).toHaveLength(2);
    await settle();
    const fired = changes.slice(changesBefore);
    expect(fired).toEqual([expect.objectContaining({ transactionId: txId, previousStatus: null, status: 'validated' })]);
  });

  it('settles two different events of one new transaction racing each other (5 copies each, in parallel)', async () => {
    const txId = `tx-race-${client}`;
    const pending = JSON.stringify(txEvent('pending', '2026-03-01T10:00:00Z', { id: txId }));
    const validated = JSON.stringify(txEvent('validated', '2026-03-01T12:00:00Z', { id: txId }));
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => postWebhook(app, i % 2 === 0 ? pending : validated)));
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
    expect(await transactionsOf(app.strapi, txId)).toEqual([expect.objectContaining({ status: 'validated' })]);
    expect(await eventsOf(app.strapi, { transaction_id: txId })).toHaveLength(2);
  });

  it('answers 500 when storage fails, and leaves nothing half-written (Button retries)', async () => {
    const event = txEvent('pending', '2026-03-01T10:00:00Z');
    const rename = (from: string, to: string) => app.strapi.db.connection.raw(`ALTER TABLE ${from} RENAME TO ${to}`);
    // A real database failure: the event row is written first, then the transactions table is not there.
    await rename('button_transactions', 'button_transactions_away');
    let res;
    try {
      res = await postWebhook(app, JSON.stringify(event));
    } finally {
      await rename('button_transactions_away', 'button_transactions');
    }
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      data: null,
      error: { status: 500, name: 'InternalServerError', message: expect.any(String), details: {} },
    });
    expect(await eventsOf(app.strapi, { event_id: event.id })).toHaveLength(0);
    // Button's retry then succeeds.
    expect((await postWebhook(app, JSON.stringify(event))).body.data.outcome).toBe('applied');
  });

  it('moves pending -> declined in order, firing the hook once per change', async () => {
    const txId = `tx-declined-${client}`;
    await settle(); // deliveries of earlier tests have landed
    const changesBefore = changes.length;
    await postWebhook(app, JSON.stringify(txEvent('pending', '2026-03-01T10:00:00Z', { id: txId }))).expect(200);
    // An adjustment: same status, newer date, applied but not a state change.
    await postWebhook(app, JSON.stringify(txEvent('pending', '2026-03-01T11:00:00Z', { id: txId }))).expect(200);
    await postWebhook(app, JSON.stringify(txEvent('declined', '2026-03-01T12:00:00Z', { id: txId }))).expect(200);
    expect((await transactionsOf(app.strapi, txId))[0]).toMatchObject({ status: 'declined' });
    await settle();
    expect(
      changes.slice(changesBefore).map((change) => [change.previousStatus, change.status, change.publisherCustomerId])
    ).toEqual([
      [null, 'pending', 'reader-42'],
      ['pending', 'declined', 'reader-42'],
    ]);
    // The event hub copy carries the hash, never the clear user id.
    expect(JSON.stringify(hubEvents)).not.toContain('reader-42');
  });

  it('stores a tampered pubRef but flags it, and the hook says the tag is not valid', async () => {
    const genuine = encodePubRef(OFFER, PUBREF_SECRET, 'reader-42');
    const tampered = genuine.replace('~p6.5~', '~p9.5~');
    const event = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: tampered });
    await settle(); // deliveries of earlier tests have landed
    const changesBefore = changes.length;
    await postWebhook(app, JSON.stringify(event)).expect(200);
    const [row] = await transactionsOf(app.strapi, event.data.id as string);
    expect(row).toMatchObject({ pub_ref: tampered, pub_ref_status: 'invalid', pub_ref_tag_valid: false, rate_value: '9.5' });
    await settle();
    expect(changes.slice(changesBefore)).toEqual([expect.objectContaining({ tagValid: false, pubRefStatus: 'invalid' })]);
  });

  it('stores a transaction whose pubRef is not one of ours (or absent) as unreadable (or absent)', async () => {
    const foreign = txEvent('pending', '2026-03-01T10:00:00Z', { pubRef: 'my-own-ref-123' });
    await postWebhook(app, JSON.stringify(foreign)).expect(200);
    expect((await transactionsOf(app.strapi, foreign.data.id as string))[0]).toMatchObject({
      pub_ref_status: 'unreadable',
      click_id: null,
    });
    const absent = webhookEvent('tx-pending', transaction({ pubRef: null }));
    await postWebhook(app, JSON.stringify(absent)).expect(200);
    expect((await transactionsOf(app.strapi, absent.data.id as string))[0]).toMatchObject({
      pub_ref_status: 'absent',
      pub_ref: null,
    });
  });

  it('never writes the secrets to the logs', () => {
    const logs = app.logs.join('\n');
    expect(logs).not.toContain(WEBHOOK_SECRET);
    expect(logs).not.toContain(PUBREF_SECRET);
    expect(logs).not.toContain('reader-42');
  });
});
