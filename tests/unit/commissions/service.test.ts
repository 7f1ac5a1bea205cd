import { HOOK_DELIVERY_UID, TRANSACTION_UID, WEBHOOK_EVENT_UID } from '../../../server/src/constants';
import { unsealCustomerId } from '../../../server/src/commissions/hooks/seal';
import type { CapturedBody } from '../../../server/src/commissions/intake/capture';
import type { RawBodyCheck } from '../../../server/src/commissions/intake/check';
import { parseWebhookBody, type WebhookEvent } from '../../../server/src/commissions/intake/payload';
import { signWebhookBody } from '../../../server/src/commissions/intake/signature';
import { isLedgerWriter } from '../../../server/src/commissions/ledger/scope';
import type { StateChangeDelivery, TransactionStateChange } from '../../../server/src/commissions/ledger/state-change';
import { createCommissionsService, type CommissionsConfig } from '../../../server/src/commissions/service';
import { createJobLocks } from '../../../server/src/jobs/lock';
import { encodePubRef } from '../../../server/src/pub-ref';
import { transaction, webhookEvent } from '../../../simulator';
import { createFakeDb, type FakeDb } from './fake-db';

/**
 * The commissions service called as a factory with small fakes (an in-memory db, a clock that moves when told, a
 * collecting log and event hub): ordering, conflicts, duplicates, rollback and retries, the outbox row written with
 * each real state change, hook delivery once per change through it, and the webhook answers, without booting Strapi.
 */
const WEBHOOK_SECRET = 'whsec-unit';
const PUBREF_SECRET = 'pubref-unit';
const NOW = new Date('2026-03-02T00:00:00.000Z');
const OFFER = { id: 'offer-1', rate_percent: '5', rate_fixed: null, currency: null };
const HOOKS = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };

interface Setup {
  db: FakeDb;
  service: ReturnType<typeof createCommissionsService>;
  lines: string[];
  emitted: Array<{ event: string; payload: unknown }>;
  changes: TransactionStateChange[];
  deliveries: StateChangeDelivery[];
  /** Moves the service's clock forward. */
  advance(ms: number): void;
}

function setup(
  config: Partial<CommissionsConfig> = {},
  options: { emit?: () => unknown; rawBodyCheck?: RawBodyCheck } = {}
): Setup {
  const db = createFakeDb();
  const lines: string[] = [];
  const emitted: Setup['emitted'] = [];
  let ids = 0;
  let now = NOW.getTime();
  const service = createCommissionsService({
    db,
    config: {
      webhookSecret: WEBHOOK_SECRET,
      pubRefSecret: PUBREF_SECRET,
      pubRefMaxAgeDays: 30,
      hooks: HOOKS,
      reconciliation: { accountId: undefined, schedule: '', windowHours: 96, maxPages: 10 },
      retention: { rawPayloadDays: 90 },
      ...config,
    },
    log: {
      info: (message) => lines.push(`info ${message}`),
      warn: (message) => lines.push(`warn ${message}`),
      error: (message) => lines.push(`error ${message}`),
    },
    eventHub: { emit: options.emit ?? ((event, payload) => emitted.push({ event, payload })) },
    now: () => new Date(now),
    newDocumentId: () => `doc${(ids += 1)}`,
    rawBodyCheck: options.rawBodyCheck,
    instanceId: 'unit-1',
    random: () => 0.5,
    lists: () => undefined,
    runs: () => {
      throw new Error('no reconciliation runs in these tests');
    },
    locks: createJobLocks({
      query: () => db.query('plugin::button-personalization.job-lock' as never) as never,
      holder: 'unit-1',
      now: () => new Date(now),
    }),
  });
  const changes: TransactionStateChange[] = [];
  const deliveries: StateChangeDelivery[] = [];
  service.onStateChange((change, delivery) => {
    changes.push(change);
    deliveries.push(delivery);
  });
  return { db, service, lines, emitted, changes, deliveries, advance: (ms) => (now += ms) };
}

type Status = 'pending' | 'validated' | 'declined';

function bytesOf(status: Status, modifiedDate: string, txId = 'tx-1', eventId?: string): Buffer {
  const pubRef = encodePubRef(OFFER, PUBREF_SECRET, 'reader-1');
  const tx = transaction({ id: txId, status, modifiedDate, pubRef, customerId: 'reader-1' });
  return Buffer.from(JSON.stringify(webhookEvent(`tx-${status}`, tx, eventId)));
}

function eventOf(status: Status, modifiedDate: string, txId = 'tx-1', eventId?: string): WebhookEvent {
  const parsed = parseWebhookBody(bytesOf(status, modifiedDate, txId, eventId));
  if (!parsed.success) throw new Error(parsed.message);
  return parsed.event;
}

const statusOf = (db: FakeDb, txId = 'tx-1') =>
  db.rows(TRANSACTION_UID).find((row) => row.transaction_id === txId) as Record<string, unknown> | undefined;

const outbox = (db: FakeDb) => db.rows(HOOK_DELIVERY_UID);
const allTables = (db: FakeDb) => JSON.stringify([db.rows(TRANSACTION_UID), db.rows(WEBHOOK_EVENT_UID), outbox(db)]);

describe('createCommissionsService: record', () => {
  it('stores a first event in both tables, with the clock, the keyed customer hash and no clear user id', async () => {
    const { db, service } = setup();
    expect(await service.record(eventOf('pending', '2026-03-01T10:00:00Z'))).toBe('applied');
    const [tx] = db.rows(TRANSACTION_UID);
    expect(tx).toMatchObject({
      transaction_id: 'tx-1',
      status: 'pending',
      pub_ref_status: 'valid',
      offer_id: 'offer-1',
      conflict_count: 0,
      documentId: 'doc2',
      createdAt: NOW,
      publisher_customer_hash: service.customerHash('reader-1'),
    });
    expect(db.rows(WEBHOOK_EVENT_UID)).toEqual([expect.objectContaining({ outcome: 'applied', createdAt: NOW })]);
    expect(allTables(db)).not.toContain('reader-1');
  });

  it('writes an outbox row with the change: pending, due now, the user id only sealed, unsealed once delivered', async () => {
    const { db, service, changes } = setup();
    const event = eventOf('pending', '2026-03-01T10:00:00Z', 'tx-1', 'hook-1');
    await service.record(event);
    const [row, ...others] = outbox(db);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      id: expect.any(Number),
      event_id: 'hook-1',
      transaction_id: 'tx-1',
      status: 'pending',
      attempts: 0,
      next_attempt_at: NOW,
      change: expect.objectContaining({ idempotencyKey: 'hook-1', status: 'pending', previousStatus: null, source: 'webhook' }),
    });
    expect(row?.change).not.toHaveProperty('publisherCustomerId');
    expect(unsealCustomerId(row?.customer_id_sealed as string, WEBHOOK_SECRET)).toBe('reader-1');
    expect(allTables(db)).not.toContain('reader-1');

    await service.deliverPendingHooks();
    expect(changes).toEqual([expect.objectContaining({ idempotencyKey: 'hook-1', publisherCustomerId: 'reader-1' })]);
    expect(outbox(db)).toEqual([
      expect.objectContaining({
        status: 'delivered',
        attempts: 1,
        delivered_at: NOW,
        customer_id_sealed: null,
        last_error: null,
      }),
    ]);
    expect(allTables(db)).not.toContain('reader-1');
  });

  it('stores the event source: reconciliation events are marked as such, in rows and in the change', async () => {
    const { db, service, changes } = setup();
    await service.record({ ...eventOf('pending', '2026-03-01T10:00:00Z'), source: 'reconciliation' });
    expect(db.rows(WEBHOOK_EVENT_UID)).toEqual([expect.objectContaining({ source: 'reconciliation' })]);
    expect(statusOf(db)).toMatchObject({ last_source: 'reconciliation' });
    await service.deliverPendingHooks();
    expect(changes).toEqual([expect.objectContaining({ source: 'reconciliation' })]);
  });

  it('writes only inside the ledger write scope (the scope the database guard accepts)', async () => {
    const { db, service } = setup();
    const scopes: string[] = [];
    type Query = ReturnType<FakeDb['query']>;
    db.query = ((query) => (uid: Parameters<FakeDb['query']>[0]) => {
      const q = query(uid);
      return {
        ...q,
        create: (params: Parameters<Query['create']>[0]) => (scopes.push(`create ${String(isLedgerWriter())}`), q.create(params)),
        updateMany: (params: Parameters<Query['updateMany']>[0]) => (
          scopes.push(`updateMany ${String(isLedgerWriter())}`),
          q.updateMany(params)
        ),
      };
    })(db.query.bind(db));
    await service.record(eventOf('pending', '2026-03-01T10:00:00Z'));
    await service.deliverPendingHooks();
    // The event, the transaction, the outbox row; then the delivery's claim and its "delivered".
    expect(scopes).toEqual(['create true', 'create true', 'create true', 'updateMany true', 'updateMany true']);
    expect(isLedgerWriter()).toBe(false);
  });

  it('answers duplicate for an event id already stored, writes no second outbox row, and notifies once', async () => {
    const { db, service, changes, emitted } = setup();
    const event = eventOf('pending', '2026-03-01T10:00:00Z', 'tx-1', 'hook-1');
    expect(await service.record(event)).toBe('applied');
    expect(await service.record(event)).toBe('duplicate');
    await service.deliverPendingHooks();
    expect(await service.record(event)).toBe('duplicate'); // after delivery too
    await service.deliverPendingHooks();
    expect(db.rows(WEBHOOK_EVENT_UID)).toHaveLength(1);
    expect(db.rows(TRANSACTION_UID)).toHaveLength(1);
    expect(outbox(db)).toEqual([expect.objectContaining({ event_id: 'hook-1', status: 'delivered' })]);
    expect(changes).toHaveLength(1);
    expect(emitted).toHaveLength(1);
  });

  it('orders by modified_date: newer applies, older is stale, a final state is never lost', async () => {
    const { db, service, changes } = setup();
    expect(await service.record(eventOf('pending', '2026-03-01T10:00:00Z'))).toBe('applied');
    expect(await service.record(eventOf('pending', '2026-03-01T09:00:00Z'))).toBe('stale');
    expect(await service.record(eventOf('pending', '2026-03-01T11:00:00Z'))).toBe('applied'); // an adjustment
    // A final status older than the stored pending still applies (Button never sends it again).
    expect(await service.record(eventOf('validated', '2026-03-01T08:00:00Z'))).toBe('applied');
    expect(statusOf(db)).toMatchObject({ status: 'validated', conflict_count: 0 });
    // An outbox row for the first sight and the status change only, not for the stale event or the adjustment.
    expect(outbox(db).map((row) => (row.change as TransactionStateChange).status)).toEqual(['pending', 'validated']);
    await service.deliverPendingHooks();
    expect(changes.map((change) => [change.previousStatus, change.status])).toEqual([
      [null, 'pending'],
      ['pending', 'validated'],
    ]);
    expect(db.rows(WEBHOOK_EVENT_UID).map((row) => row.outcome)).toEqual(['applied', 'stale', 'applied', 'applied']);
  });

  it.each<[string, Status, string]>([
    ['a newer tx-pending after validated', 'pending', '2026-03-01T12:00:00Z'],
    ['tx-declined after validated, even older', 'declined', '2026-03-01T08:00:00Z'],
  ])('records %s as a conflict: counted, not applied, no outbox row, not notified', async (_label, later, date) => {
    const { db, service, changes } = setup();
    await service.record(eventOf('validated', '2026-03-01T10:00:00Z'));
    expect(await service.record(eventOf(later, date))).toBe('conflict');
    expect(await service.record(eventOf(later, date))).toBe('conflict'); // another event id, counted again
    expect(statusOf(db)).toMatchObject({ status: 'validated', conflict_count: 2 });
    expect(outbox(db)).toHaveLength(1);
    await service.deliverPendingHooks();
    expect(changes).toHaveLength(1);
  });

  it('writes no outbox row for a stale event', async () => {
    const { db, service } = setup();
    await service.record(eventOf('validated', '2026-03-01T10:00:00Z'));
    expect(await service.record(eventOf('validated', '2026-03-01T09:00:00Z'))).toBe('stale');
    expect(outbox(db)).toHaveLength(1);
  });

  it('acknowledges an unknown event type as ignored: an event row, no transaction, no outbox row, no hook', async () => {
    const { db, service, changes } = setup();
    const parsed = parseWebhookBody(Buffer.from(JSON.stringify({ id: 'hook-x', event_type: 'order-shipped', data: {} })));
    if (!parsed.success) throw new Error(parsed.message);
    expect(await service.record(parsed.event)).toBe('ignored');
    expect(db.rows(WEBHOOK_EVENT_UID)).toEqual([
      expect.objectContaining({ event_id: 'hook-x', outcome: 'ignored', payload: null }),
    ]);
    expect(db.rows(TRANSACTION_UID)).toHaveLength(0);
    expect(outbox(db)).toHaveLength(0);
    await service.deliverPendingHooks();
    expect(changes).toHaveLength(0);
  });

  it('rolls everything back when a write fails, and rejects (so Button retries)', async () => {
    const { db, service, changes } = setup();
    db.failNext(TRANSACTION_UID, 'create', Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }));
    await expect(service.record(eventOf('pending', '2026-03-01T10:00:00Z'))).rejects.toThrow('disk full');
    expect(db.rows(WEBHOOK_EVENT_UID)).toHaveLength(0);
    expect(outbox(db)).toHaveLength(0);
    await service.deliverPendingHooks();
    expect(changes).toHaveLength(0);
  });

  it('writes the outbox row in the same database transaction: a failed outbox write undoes the change too', async () => {
    const { db, service, changes } = setup();
    const open = { value: false };
    const createdWhileOpen: Array<[string, boolean]> = [];
    const transaction = db.transaction.bind(db);
    db.transaction = async (work) => {
      open.value = true;
      try {
        return await transaction(work);
      } finally {
        open.value = false;
      }
    };
    const query = db.query.bind(db);
    db.query = (uid) => {
      const q = query(uid);
      return { ...q, create: (params) => (createdWhileOpen.push([uid, open.value]), q.create(params)) };
    };

    db.failNext(HOOK_DELIVERY_UID, 'create', Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }));
    const event = eventOf('pending', '2026-03-01T10:00:00Z', 'tx-1', 'hook-1');
    await expect(service.record(event)).rejects.toThrow('disk full');
    expect([db.rows(WEBHOOK_EVENT_UID), db.rows(TRANSACTION_UID), outbox(db)]).toEqual([[], [], []]);
    await service.deliverPendingHooks();
    expect(changes).toHaveLength(0);

    // Button delivers the event again: all three rows, once.
    expect(await service.record(event)).toBe('applied');
    expect([db.rows(WEBHOOK_EVENT_UID), db.rows(TRANSACTION_UID), outbox(db)].map((rows) => rows.length)).toEqual([1, 1, 1]);
    expect(createdWhileOpen.filter(([uid]) => uid === HOOK_DELIVERY_UID)).toEqual([
      [HOOK_DELIVERY_UID, true],
      [HOOK_DELIVERY_UID, true],
    ]);
    await service.deliverPendingHooks();
    expect(changes).toEqual([expect.objectContaining({ idempotencyKey: 'hook-1' })]);
  });

  it('runs the whole transaction again after a lost compare-and-set or a transient conflict', async () => {
    const { db, service, changes } = setup();
    await service.record(eventOf('pending', '2026-03-01T10:00:00Z'));
    db.failNext(TRANSACTION_UID, 'updateMany', null); // another writer changed the row: count 0
    expect(await service.record(eventOf('validated', '2026-03-01T11:00:00Z'))).toBe('applied');
    db.failNext(TRANSACTION_UID, 'findOne', Object.assign(new Error('deadlock'), { code: '40P01' }));
    expect(await service.record(eventOf('validated', '2026-03-01T12:00:00Z'))).toBe('applied');
    expect(db.rows(WEBHOOK_EVENT_UID)).toHaveLength(3);
    expect(outbox(db)).toHaveLength(2); // the retried attempt wrote its outbox row once
    await service.deliverPendingHooks();
    expect(changes.map((change) => change.status)).toEqual(['pending', 'validated']);
  });

  it('answers the webhook without waiting for the callbacks', async () => {
    const { service } = setup();
    let release!: () => void;
    service.onStateChange(() => new Promise<void>((resolve) => (release = resolve)));
    expect(await service.record(eventOf('pending', '2026-03-01T10:00:00Z'))).toBe('applied');
    const delivered = service.deliverPendingHooks();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await delivered;
  });

  it('keeps a failing listener or event-hub subscriber from failing the webhook, retries it later, and logs it', async () => {
    const { db, service, lines, deliveries, advance } = setup({}, { emit: () => Promise.reject(new Error('subscriber down')) });
    let failures = 1;
    service.onStateChange(() => {
      if (failures-- > 0) throw new Error('publisher bug');
    });
    const event = eventOf('pending', '2026-03-01T10:00:00Z', 'tx-1', 'hook-1');
    expect(await service.record(event)).toBe('applied');
    await service.deliverPendingHooks();
    expect(lines).toEqual([
      expect.stringMatching(
        /^warn the onStateChange callback failed for tx-1 \(key hook-1, attempt 1\); retrying at \S+: publisher bug$/
      ),
    ]);
    expect(outbox(db)).toEqual([expect.objectContaining({ status: 'pending', attempts: 1, last_error: 'publisher bug' })]);

    // random 0.5 of the first backoff window (1 s): due 500 ms later, not before.
    advance(499);
    await service.deliverPendingHooks();
    expect(deliveries).toHaveLength(1);
    advance(1);
    await service.deliverPendingHooks();
    expect(deliveries).toEqual([
      { idempotencyKey: 'hook-1', attempt: 1 },
      { idempotencyKey: 'hook-1', attempt: 2 },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^error an event hub subscriber failed for tx-1: subscriber down$/)])
    );
    expect(outbox(db)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2 })]);
  });

  it('emits the change on the event hub without the clear user id; the listener gets it', async () => {
    const { service, emitted, changes } = setup();
    await service.record(eventOf('pending', '2026-03-01T10:00:00Z'));
    await service.deliverPendingHooks();
    expect(changes[0]).toMatchObject({ publisherCustomerId: 'reader-1', clickIdTransactions: 0, tagValid: true });
    expect(emitted).toEqual([{ event: 'button-personalization.transaction.state-changed', payload: expect.any(Object) }]);
    expect(emitted[0]?.payload).not.toHaveProperty('publisherCustomerId');
    expect(JSON.stringify(emitted)).not.toContain('reader-1');
  });

  it('stops notifying a listener once unregistered', async () => {
    const { service } = setup();
    const seen: string[] = [];
    const off = service.onStateChange((change) => {
      seen.push(change.status);
    });
    await service.record(eventOf('pending', '2026-03-01T10:00:00Z'));
    await service.deliverPendingHooks();
    off();
    await service.record(eventOf('validated', '2026-03-01T11:00:00Z'));
    await service.deliverPendingHooks();
    expect(seen).toEqual(['pending']);
  });

  it('delivers on its own after a commit (the wake), without deliverPendingHooks', async () => {
    const { service, changes } = setup();
    await service.record(eventOf('pending', '2026-03-01T10:00:00Z'));
    for (let turn = 0; turn < 20 && changes.length === 0; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toHaveLength(1);
  });
});

describe('createCommissionsService: receive (the webhook route)', () => {
  const captured = (bytes: Buffer): CapturedBody => ({ kind: 'bytes', bytes });

  it('records a correctly signed event and answers 200 with the outcome', async () => {
    const { service } = setup();
    const bytes = bytesOf('pending', '2026-03-01T10:00:00Z', 'tx-1', 'hook-1');
    const answer = await service.receive(captured(bytes), signWebhookBody(bytes, WEBHOOK_SECRET));
    expect(answer).toEqual({
      status: 200,
      body: { data: { event_id: 'hook-1', event_type: 'tx-pending', transaction_id: 'tx-1', outcome: 'applied' } },
    });
  });

  it('fails closed (503) without the raw bytes, and says how to fix it once', async () => {
    const { db, service, lines } = setup();
    for (const body of [undefined, { kind: 'consumed' } as const]) {
      const answer = await service.receive(body, 'a'.repeat(64));
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ data: null, error: { name: 'ServiceUnavailableError' } });
    }
    expect(lines.filter((line) => line.includes('Fix: add'))).toHaveLength(1);
    expect(db.calls).toHaveLength(0);
  });

  it('fails closed (503) when the boot check found the bytes altered, even with a valid signature', async () => {
    const check: RawBodyCheck = { verdict: 'altered', isProbe: () => false, observe: () => 'altered', run: jest.fn() };
    const { service, lines } = setup({}, { rawBodyCheck: check });
    const bytes = bytesOf('pending', '2026-03-01T10:00:00Z');
    expect((await service.receive(captured(bytes), signWebhookBody(bytes, WEBHOOK_SECRET))).status).toBe(503);
    expect(lines.join('\n')).toMatch(/boot check found the raw request body altered/);
  });

  it('answers 413 (closing the connection) and 400 for what the capture could not read', async () => {
    const { service } = setup();
    expect(await service.receive({ kind: 'too-large', limit: 262144 }, undefined)).toMatchObject({
      status: 413,
      headers: { Connection: 'close' },
      body: { error: { name: 'PayloadTooLargeError', details: { limit: 262144 } } },
    });
    expect(await service.receive({ kind: 'unreadable' }, undefined)).toMatchObject({ status: 400 });
  });

  it('answers 503 without a webhook secret, and refuses to hash customer ids', async () => {
    const { service } = setup({ webhookSecret: undefined });
    const bytes = bytesOf('pending', '2026-03-01T10:00:00Z');
    expect((await service.receive(captured(bytes), signWebhookBody(bytes, WEBHOOK_SECRET))).status).toBe(503);
    expect(() => service.customerHash('reader-1')).toThrow(
      "the `webhookSecret` option (BUTTON_WEBHOOK_SECRET in the README's setup) is not set"
    );
  });
});

describe('createCommissionsService: reads', () => {
  it('lists, totals and details the ledger through its own db', async () => {
    const { service } = setup();
    await service.record(eventOf('pending', '2026-03-01T10:00:00Z', 'tx-1'));
    await service.record(eventOf('validated', '2026-03-01T11:00:00Z', 'tx-2'));
    const { results } = await service.list({}, 1, 10);
    expect(results.map((row) => (row as { transaction_id: string }).transaction_id)).toEqual(['tx-2', 'tx-1']);
    const totals = await service.totals({ status: 'validated' });
    expect(totals).toMatchObject({ count: 1, by_status: [{ key: 'validated', count: 1, amounts: { USD: 250 } }] });
    const detail = await service.detail('tx-1');
    expect(detail?.transaction).toMatchObject({ transaction_id: 'tx-1', click_id_transactions: 0 });
    expect(detail?.events).toHaveLength(1);
    expect(await service.detail('tx-unknown')).toBeNull();
  });

  it("finds a pubRef's transactions by the pubRef or, when it decodes, by its click id", async () => {
    const { db, service } = setup();
    const event = eventOf('pending', '2026-03-01T10:00:00Z');
    await service.record(event);
    const pubRef = (event as WebhookEvent & { kind: 'transaction' }).transaction.pub_ref as string;
    const decoded = service.decodePubRef(pubRef, 'reader-1');
    expect(decoded).toMatchObject({ ok: true, signature: 'valid' });
    expect(await service.forPubRef(pubRef, decoded)).toEqual([expect.objectContaining({ transaction_id: 'tx-1' })]);
    const where = db.calls.filter((call) => call.method === 'findMany').pop()?.params as { where: unknown; limit: number };
    expect(where).toMatchObject({ where: { $or: [{ pub_ref: pubRef }, { click_id: expect.any(String) }] }, limit: 50 });
    expect(await service.forPubRef('not-a-pubref', service.decodePubRef('not-a-pubref'))).toEqual([]);
  });
});
