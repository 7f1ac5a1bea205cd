import { HOOK_DELIVERY_UID } from '../../../../server/src/constants';
import { createHookDispatcher, type DispatcherDeps } from '../../../../server/src/commissions/hooks/dispatcher';
import { sealCustomerId } from '../../../../server/src/commissions/hooks/seal';
import { runAsLedgerWriter } from '../../../../server/src/commissions/ledger/scope';
import type {
  StateChangeDelivery,
  StateChangeListener,
  TransactionStateChange,
} from '../../../../server/src/commissions/ledger/state-change';
import { createFakeDb, type FakeDb } from '../fake-db';

/**
 * The outbox delivery loop against the in-memory db, with a clock that moves only when told and a fixed random:
 * at least once with the same key, backoff, giving up, order per transaction, claims across instances, crash
 * leftovers, shutdown, and the event hub copy without the clear user id.
 */
const SECRET = 'whsec-unit';
const T0 = new Date('2026-03-02T00:00:00.000Z').getTime();
const EVENT = 'button-personalization.transaction.state-changed';
const HOOKS = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, pollMs: 1_000, claimMs: 60_000 };

interface Seen {
  key: string;
  attempt: number;
  transactionId: string;
  customerId: string | null;
  instance: string;
}

function harness() {
  const db = createFakeDb();
  const clock = { now: T0, advance: (ms: number) => (clock.now += ms) };
  const lines: string[] = [];
  const emitted: unknown[] = [];
  const seen: Seen[] = [];

  const dispatcher = (instanceId: string, listeners: StateChangeListener[], overrides: Partial<DispatcherDeps> = {}) => {
    const recording: StateChangeListener = (change, delivery) => {
      seen.push({
        key: delivery.idempotencyKey,
        attempt: delivery.attempt,
        transactionId: change.transactionId,
        customerId: change.publisherCustomerId,
        instance: instanceId,
      });
    };
    return createHookDispatcher({
      db,
      listeners: new Set([recording, ...listeners]),
      webhookSecret: () => SECRET,
      emit: (event, payload) => emitted.push({ event, payload }),
      eventName: EVENT,
      log: {
        info: (message) => lines.push(`info ${instanceId} ${message}`),
        warn: (message) => lines.push(`warn ${instanceId} ${message}`),
        error: (message) => lines.push(`error ${instanceId} ${message}`),
      },
      now: () => new Date(clock.now),
      random: () => 0.5,
      instanceId,
      ...HOOKS,
      ...overrides,
    });
  };
  return { db, clock, lines, emitted, seen, dispatcher };
}

/** What the ledger writes in its transaction: one outbox row per state change. */
async function enqueue(
  db: FakeDb,
  eventId: string,
  transactionId = 'tx-1',
  extra: { customerId?: string | null; at?: number; row?: Record<string, unknown> } = {}
): Promise<void> {
  const at = new Date(extra.at ?? T0);
  const customerId = extra.customerId === undefined ? 'reader-1' : extra.customerId;
  const change: Omit<TransactionStateChange, 'publisherCustomerId'> = {
    idempotencyKey: eventId,
    transactionId,
    previousStatus: null,
    status: 'pending',
    eventId,
    eventType: 'tx-pending',
    clickId: null,
    offerId: null,
    rate: null,
    pubRefStatus: 'absent',
    tagValid: false,
    pubRefIssuedAt: null,
    pubRefStale: false,
    clickIdTransactions: 0,
    amount: 250,
    currency: 'USD',
    orderTotal: 5_000,
    orderCurrency: 'USD',
    commerceOrganization: 'org-1',
    buttonOrderId: null,
    orderId: null,
    category: 'new-user-order',
    publisherCustomerHash: 'hash',
    modifiedDate: at.toISOString(),
    source: 'webhook',
  };
  await runAsLedgerWriter(() =>
    db.query(HOOK_DELIVERY_UID).create({
      data: {
        event_id: eventId,
        transaction_id: transactionId,
        change,
        customer_id_sealed: customerId === null ? null : sealCustomerId(customerId, SECRET),
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        claimed_by: null,
        claim_until: null,
        ...extra.row,
      },
    })
  );
}

const rowOf = (db: FakeDb, eventId: string) => db.rows(HOOK_DELIVERY_UID).find((row) => row.event_id === eventId);
const turns = async (count = 10) => {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** A callback that waits until `open()` is called. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached: string[] = [];
  const listener: StateChangeListener = async (_change, delivery) => {
    reached.push(delivery.idempotencyKey);
    await opened;
  };
  return { listener, open: () => open(), reached };
}

describe('createHookDispatcher: delivery', () => {
  it('delivers a due row once, with its clear user id, then marks it delivered and drops the sealed id', async () => {
    const { db, seen, emitted, dispatcher } = harness();
    await enqueue(db, 'hook-1');
    const hooks = dispatcher('a', []);
    await hooks.wake();
    await hooks.wake(); // nothing left to do
    expect(seen).toEqual([{ key: 'hook-1', attempt: 1, transactionId: 'tx-1', customerId: 'reader-1', instance: 'a' }]);
    expect(rowOf(db, 'hook-1')).toMatchObject({
      status: 'delivered',
      attempts: 1,
      delivered_at: new Date(T0),
      customer_id_sealed: null,
      claim_until: null,
      last_error: null,
    });
    expect(JSON.stringify(db.rows(HOOK_DELIVERY_UID))).not.toContain('reader-1');
    expect(emitted).toHaveLength(1);
  });

  it('emits the change on the event hub after delivery, without the clear user id', async () => {
    const { db, emitted, dispatcher } = harness();
    await enqueue(db, 'hook-1');
    await dispatcher('a', []).wake();
    expect(emitted).toEqual([
      { event: EVENT, payload: expect.objectContaining({ idempotencyKey: 'hook-1', transactionId: 'tx-1' }) },
    ]);
    expect((emitted[0] as { payload: object }).payload).not.toHaveProperty('publisherCustomerId');
    expect(JSON.stringify(emitted)).not.toContain('reader-1');
  });

  it('logs an event hub subscriber that fails, and still counts the row delivered', async () => {
    const { db, lines, dispatcher } = harness();
    await enqueue(db, 'hook-1');
    await dispatcher('a', [], { emit: () => Promise.reject(new Error('subscriber down')) }).wake();
    await turns(2);
    expect(lines).toEqual(['error a an event hub subscriber failed for tx-1: subscriber down']);
    expect(rowOf(db, 'hook-1')).toMatchObject({ status: 'delivered' });
  });

  it('hands the callback a null user id when the sealed id no longer opens (secret rotated) or none was sent', async () => {
    const { db, seen, dispatcher } = harness();
    await enqueue(db, 'hook-1', 'tx-1');
    await enqueue(db, 'hook-2', 'tx-2', { customerId: null });
    await dispatcher('a', [], { webhookSecret: () => 'whsec-rotated' }).wake();
    expect(seen.map((entry) => [entry.key, entry.customerId])).toEqual([
      ['hook-1', null],
      ['hook-2', null],
    ]);
    expect(db.rows(HOOK_DELIVERY_UID).map((row) => row.status)).toEqual(['delivered', 'delivered']);
  });

  it('leaves a row whose time has not come', async () => {
    const { db, seen, clock, dispatcher } = harness();
    await enqueue(db, 'hook-1', 'tx-1', { at: T0 + 1 });
    const hooks = dispatcher('a', []);
    await hooks.wake();
    expect(seen).toEqual([]);
    clock.advance(1);
    await hooks.wake();
    expect(seen).toHaveLength(1);
  });

  it('delivers more than one batch (50 rows) in one wake', async () => {
    const { db, seen, dispatcher } = harness();
    for (let n = 0; n < 120; n += 1) await enqueue(db, `hook-${n}`, `tx-${n}`);
    await dispatcher('a', []).wake();
    expect(seen).toHaveLength(120);
    expect(new Set(seen.map((entry) => entry.key)).size).toBe(120);
  });
});

describe('createHookDispatcher: at least once', () => {
  it('retries a throwing callback with full-jitter backoff and the same idempotency key, attempt counting up', async () => {
    const { db, seen, clock, lines, emitted, dispatcher } = harness();
    let failures = 2;
    const hooks = dispatcher('a', [
      () => {
        if (failures-- > 0) throw new Error(`boom ${failures}`);
      },
    ]);
    await enqueue(db, 'hook-1');

    await hooks.wake();
    // random 0.5 of min(60 s, 1 s * 2^0): due again 500 ms later.
    expect(rowOf(db, 'hook-1')).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: new Date(T0 + 500),
      claim_until: null,
      last_error: 'boom 1',
    });
    expect(rowOf(db, 'hook-1')?.customer_id_sealed).toEqual(expect.any(String)); // still needed for the retry
    clock.advance(499);
    await hooks.wake();
    expect(seen).toHaveLength(1);

    clock.advance(1);
    await hooks.wake();
    // Second failure: 0.5 of 2 s.
    expect(rowOf(db, 'hook-1')).toMatchObject({ attempts: 2, next_attempt_at: new Date(T0 + 500 + 1_000), last_error: 'boom 0' });
    clock.advance(1_000);
    await hooks.wake();

    expect(seen.map(({ key, attempt }) => [key, attempt])).toEqual([
      ['hook-1', 1],
      ['hook-1', 2],
      ['hook-1', 3],
    ]);
    expect(rowOf(db, 'hook-1')).toMatchObject({ status: 'delivered', attempts: 3, last_error: null, customer_id_sealed: null });
    expect(seen.every((entry) => entry.customerId === 'reader-1')).toBe(true);
    expect(lines).toEqual([
      `warn a the onStateChange callback failed for tx-1 (key hook-1, attempt 1); retrying at ${new Date(T0 + 500).toISOString()}: boom 1`,
      `warn a the onStateChange callback failed for tx-1 (key hook-1, attempt 2); retrying at ${new Date(T0 + 1_500).toISOString()}: boom 0`,
    ]);
    expect(emitted).toHaveLength(1); // the event hub only hears of a delivered change
  });

  it('caps the backoff at maxDelayMs', async () => {
    const { db, dispatcher } = harness();
    const hooks = dispatcher('a', [() => Promise.reject(new Error('down'))], {
      maxAttempts: 10,
      maxDelayMs: 3_000,
      random: () => 0.999,
    });
    await enqueue(db, 'hook-1', 'tx-1', { row: { attempts: 6 } });
    await hooks.wake();
    expect(rowOf(db, 'hook-1')).toMatchObject({ attempts: 7, next_attempt_at: new Date(T0 + Math.floor(0.999 * 3_000)) });
  });

  it('gives up after maxAttempts: the row is left failed, the error logged, no more deliveries', async () => {
    const { db, seen, clock, lines, emitted, dispatcher } = harness();
    const hooks = dispatcher('a', [
      () => {
        throw new Error('x'.repeat(600));
      },
    ]);
    await enqueue(db, 'hook-1');
    for (let round = 0; round < 6; round += 1) {
      await hooks.wake();
      clock.advance(60_000);
    }
    expect(seen.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    const row = rowOf(db, 'hook-1');
    expect(row).toMatchObject({ status: 'failed', attempts: 3, claim_until: null });
    expect(row?.last_error).toBe('x'.repeat(500)); // the column's length
    expect(lines.filter((line) => line.startsWith('error'))).toEqual([
      `error a the onStateChange callback failed for tx-1 (key hook-1, attempt 3); gave up after 3 attempts: ${'x'.repeat(500)}`,
    ]);
    expect(lines.filter((line) => line.startsWith('warn'))).toHaveLength(2);
    expect(emitted).toEqual([]);
  });

  it('runs every callback again on a retry, each with the same key (callbacks must be idempotent)', async () => {
    const { db, clock, dispatcher } = harness();
    const first: StateChangeDelivery[] = [];
    let failOnce = true;
    const hooks = dispatcher('a', [
      (_change, delivery) => {
        first.push(delivery);
      },
      () => {
        if (failOnce) {
          failOnce = false;
          throw new Error('second callback failed');
        }
      },
    ]);
    await enqueue(db, 'hook-1');
    await hooks.wake();
    clock.advance(500);
    await hooks.wake();
    expect(first).toEqual([
      { idempotencyKey: 'hook-1', attempt: 1 },
      { idempotencyKey: 'hook-1', attempt: 2 },
    ]);
  });
});

describe('createHookDispatcher: order per transaction', () => {
  it('holds a later change while an earlier one of the same transaction is pending; other transactions go on', async () => {
    const { db, seen, clock, dispatcher } = harness();
    let failFirst = true;
    const hooks = dispatcher('a', [
      (_change, delivery) => {
        if (delivery.idempotencyKey === 'hook-a1' && failFirst) {
          failFirst = false;
          throw new Error('not yet');
        }
      },
    ]);
    await enqueue(db, 'hook-a1', 'tx-a');
    await enqueue(db, 'hook-b1', 'tx-b');
    await enqueue(db, 'hook-a2', 'tx-a');

    await hooks.wake();
    expect(seen.map((entry) => entry.key)).toEqual(['hook-a1', 'hook-b1']);
    expect(rowOf(db, 'hook-a2')).toMatchObject({ status: 'pending', attempts: 0, claim_until: null });

    await hooks.wake(); // a2 is due, but a1 is still pending (its retry not due yet)
    expect(seen.map((entry) => entry.key)).toEqual(['hook-a1', 'hook-b1']);

    clock.advance(500);
    await hooks.wake();
    expect(seen.map((entry) => entry.key)).toEqual(['hook-a1', 'hook-b1', 'hook-a1', 'hook-a2']);
  });

  it('holds the later changes of a transaction while an earlier one failed, until an operator retries it', async () => {
    const { db, seen, clock, dispatcher } = harness();
    let fixed = false;
    const hooks = dispatcher('a', [
      (_change, delivery) => {
        if (delivery.idempotencyKey === 'hook-1' && !fixed) throw new Error('never');
      },
    ]);
    await enqueue(db, 'hook-1');
    await enqueue(db, 'hook-2');
    for (let round = 0; round < 4; round += 1) {
      await hooks.wake();
      clock.advance(60_000);
    }
    // A callback never sees the later state of a transaction whose earlier state it never got.
    expect(seen.map((entry) => entry.key)).toEqual(['hook-1', 'hook-1', 'hook-1']);
    expect(db.rows(HOOK_DELIVERY_UID).map((row) => row.status)).toEqual(['failed', 'pending']);

    fixed = true;
    expect(await hooks.retryFailed()).toBe(1);
    expect(seen.map((entry) => [entry.key, entry.attempt])).toEqual([
      ['hook-1', 1],
      ['hook-1', 2],
      ['hook-1', 3],
      ['hook-1', 1],
      ['hook-2', 1],
    ]);
    expect(db.rows(HOOK_DELIVERY_UID).map((row) => row.status)).toEqual(['delivered', 'delivered']);
  });
});

describe('createHookDispatcher: many rows held back', () => {
  it('reaches a deliverable change behind more than a page of changes held back by an earlier one in backoff', async () => {
    const { db, seen, clock, dispatcher } = harness();
    // tx-a's first change is in backoff (not due); its 60 later changes are due but must wait for it.
    await enqueue(db, 'hook-a0', 'tx-a', { row: { next_attempt_at: new Date(clock.now + 3_600_000), attempts: 1 } });
    for (let i = 1; i <= 60; i += 1) await enqueue(db, `hook-a${i}`, 'tx-a');
    await enqueue(db, 'hook-b', 'tx-b');
    await dispatcher('a', []).wake();
    expect(seen.map((entry) => entry.key)).toEqual(['hook-b']);
  });

  it('delivers changes of different transactions side by side: a slow callback holds up only its own', async () => {
    const { db, dispatcher } = harness();
    const slow = gate();
    await enqueue(db, 'hook-1', 'tx-1');
    await enqueue(db, 'hook-2', 'tx-2');
    await enqueue(db, 'hook-3', 'tx-3');
    const hooks = dispatcher('a', [slow.listener]);
    void hooks.wake();
    await turns();
    expect(slow.reached.sort()).toEqual(['hook-1', 'hook-2', 'hook-3']);
    slow.open();
    await hooks.wake();
    expect(db.rows(HOOK_DELIVERY_UID).every((row) => row.status === 'delivered')).toBe(true);
  });
});

describe('createHookDispatcher: instances and claims', () => {
  it('never has two instances deliver one row at the same time', async () => {
    const { db, seen, dispatcher } = harness();
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const slow: StateChangeListener = async (_change, delivery) => {
      if (inFlight.has(delivery.idempotencyKey)) overlaps.push(delivery.idempotencyKey);
      inFlight.add(delivery.idempotencyKey);
      await turns(2);
      inFlight.delete(delivery.idempotencyKey);
    };
    for (let n = 0; n < 10; n += 1) await enqueue(db, `hook-${n}`, `tx-${n % 3}`);
    const a = dispatcher('a', [slow]);
    const b = dispatcher('b', [slow]);
    await Promise.all([a.wake(), b.wake(), a.wake(), b.wake()]);
    await Promise.all([a.wake(), b.wake()]);

    expect(overlaps).toEqual([]);
    expect(seen.map((entry) => entry.key).sort()).toEqual(Array.from({ length: 10 }, (_, n) => `hook-${n}`).sort());
    expect(db.rows(HOOK_DELIVERY_UID).every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
    // In order per transaction, whichever instance delivered.
    for (const tx of ['tx-0', 'tx-1', 'tx-2']) {
      const keys = seen.filter((entry) => entry.transactionId === tx).map((entry) => Number(entry.key.slice(5)));
      expect(keys).toEqual([...keys].sort((x, y) => x - y));
    }
  });

  it('leaves a row another instance holds a live claim on, and takes it over once the claim expired', async () => {
    const { db, seen, clock, dispatcher } = harness();
    await enqueue(db, 'hook-1', 'tx-1', { row: { claimed_by: 'crashed', claim_until: new Date(T0 + 30_000) } });
    const hooks = dispatcher('b', []);
    await hooks.wake();
    expect(seen).toEqual([]);
    clock.advance(30_000);
    await hooks.wake();
    expect(seen).toEqual([]); // claim_until is not yet in the past
    clock.advance(1);
    await hooks.wake();
    expect(seen).toEqual([expect.objectContaining({ key: 'hook-1', attempt: 1, instance: 'b' })]);
    expect(rowOf(db, 'hook-1')).toMatchObject({ status: 'delivered', claimed_by: 'b' });
  });

  it('takes over the row of an instance whose callback outlived its claim; the late finisher changes nothing', async () => {
    const { db, seen, clock, emitted, dispatcher } = harness();
    const stuck = gate();
    const a = dispatcher('a', [stuck.listener]);
    const b = dispatcher('b', []);
    await enqueue(db, 'hook-1');
    const aDone = a.wake();
    await turns();
    expect(stuck.reached).toEqual(['hook-1']);
    expect(rowOf(db, 'hook-1')).toMatchObject({ claimed_by: 'a', claim_until: new Date(T0 + 60_000) });

    clock.advance(60_001);
    await b.wake();
    expect(rowOf(db, 'hook-1')).toMatchObject({ status: 'delivered', claimed_by: 'b', attempts: 1 });

    stuck.open();
    await aDone;
    // At least once: both ran the callbacks, with the same key; the row stays as b left it.
    expect(seen.map(({ key, instance }) => [key, instance])).toEqual([
      ['hook-1', 'a'],
      ['hook-1', 'b'],
    ]);
    expect(rowOf(db, 'hook-1')).toMatchObject({ status: 'delivered', claimed_by: 'b', attempts: 1 });
    expect(emitted).toHaveLength(2); // the event hub is at least once too
  });
});

describe('createHookDispatcher: start and stop', () => {
  afterEach(() => jest.useRealTimers());

  it('start() delivers what a crash left pending (a claim that expired, a retry that is due)', async () => {
    const { db, seen, dispatcher } = harness();
    await enqueue(db, 'hook-1', 'tx-1', { row: { claimed_by: 'old', claim_until: new Date(T0 - 1) } });
    await enqueue(db, 'hook-2', 'tx-2', { at: T0 - 10_000, row: { attempts: 1, last_error: 'before the crash' } });
    const hooks = dispatcher('a', []);
    hooks.start();
    await turns();
    expect(seen.map(({ key, attempt }) => [key, attempt])).toEqual([
      ['hook-1', 1],
      ['hook-2', 2],
    ]);
    await hooks.stop();
  });

  it('start() then polls every pollMs: a retry becomes due without a wake', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const { db, seen, clock, dispatcher } = harness();
    await enqueue(db, 'hook-1', 'tx-1', { at: T0 + 1_500 });
    const hooks = dispatcher('a', []);
    hooks.start();
    hooks.start(); // once only
    await turns();
    expect(seen).toEqual([]);
    clock.advance(1_000);
    jest.advanceTimersByTime(1_000);
    await turns();
    expect(seen).toEqual([]);
    clock.advance(1_000);
    jest.advanceTimersByTime(1_000);
    await turns();
    expect(seen).toHaveLength(1);
    await hooks.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stop() waits for the delivery in progress, leaves the rest pending and unclaimed, and wakes no more', async () => {
    const { db, seen, dispatcher } = harness();
    const slow = gate();
    const hooks = dispatcher('a', [slow.listener]);
    // One transaction: its second change waits for the first (changes of other transactions would go at once).
    await enqueue(db, 'hook-1', 'tx-1');
    await enqueue(db, 'hook-2', 'tx-1');
    void hooks.wake();
    await turns();
    expect(slow.reached).toEqual(['hook-1']);

    let stopped = false;
    const stopping = hooks.stop().then(() => (stopped = true));
    await turns();
    expect(stopped).toBe(false);
    slow.open();
    await stopping;
    expect(rowOf(db, 'hook-1')).toMatchObject({ status: 'delivered' });
    expect(rowOf(db, 'hook-2')).toMatchObject({ status: 'pending', claim_until: null });

    await hooks.wake();
    hooks.start();
    await turns();
    expect(seen.map((entry) => entry.key)).toEqual(['hook-1']);

    // Another instance (or the next boot) takes hook-2 at once: it was never claimed.
    await dispatcher('b', []).wake();
    expect(rowOf(db, 'hook-2')).toMatchObject({ status: 'delivered', claimed_by: 'b' });
  });

  it('logs a failed sweep (a database error) and keeps going on the next wake', async () => {
    const { db, seen, lines, dispatcher } = harness();
    await enqueue(db, 'hook-1');
    const hooks = dispatcher('a', []);
    db.failNext(HOOK_DELIVERY_UID, 'findMany', new Error('database is locked'));
    await hooks.wake();
    expect(lines).toEqual(['error a delivering state changes to the onStateChange callbacks failed: database is locked']);
    await hooks.wake();
    expect(seen).toHaveLength(1);
  });

  it('a wake during a sweep is not lost: the sweep runs again and delivers what became due', async () => {
    const { db, seen, clock, dispatcher } = harness();
    const slow = gate();
    const hooks = dispatcher('a', [slow.listener]);
    await enqueue(db, 'hook-1', 'tx-1');
    await enqueue(db, 'hook-2', 'tx-2', { at: T0 + 1 });
    const first = hooks.wake();
    await turns();
    clock.advance(1); // hook-2 commits now, while hook-1 is being delivered
    const second = hooks.wake();
    slow.open();
    await Promise.all([first, second]);
    expect(seen.map((entry) => entry.key)).toEqual(['hook-1', 'hook-2']);
  });

  // A wake landing after a sweep's last look at `again` but before `sweeping` was cleared joined a sweep that ended
  // without looking again: the awaited wake resolved with a due row undelivered (until the next poll, or for ever
  // without start()). `sweeping` is now cleared in the same turn as that last look. Each k below is a wake arriving
  // k microtasks into a running sweep.
  it('an awaited wake always delivers what was due when it was called, whenever it lands in a sweep', async () => {
    const lostAt: number[] = [];
    for (let k = 0; k < 60; k += 1) {
      const { db, seen, clock, dispatcher } = harness();
      await enqueue(db, 'hook-1', 'tx-1');
      await enqueue(db, 'hook-2', 'tx-2', { at: T0 + 1 });
      const hooks = dispatcher('a', []);
      const first = hooks.wake();
      for (let tick = 0; tick < k; tick += 1) await Promise.resolve();
      clock.advance(1);
      await hooks.wake();
      if (!seen.some((entry) => entry.key === 'hook-2')) lostAt.push(k);
      await first;
    }
    expect(lostAt).toEqual([]);
  });
});
