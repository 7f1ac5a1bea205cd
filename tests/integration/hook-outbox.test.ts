import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodePubRef } from '../../server/src/pub-ref';
import type { DatabaseClient } from '../helpers/databases';
import {
  postWebhook,
  PUBREF_SECRET,
  readJsonLines,
  transaction,
  transactionsOf,
  WEBHOOK_EVENT_UID,
  WEBHOOK_SECRET,
  webhookEvent,
} from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';

/**
 * Issue 14: the hook outbox in-process, on a real Strapi over HTTP: the outbox row commits with the change or not at
 * all, failed callbacks are retried with the same key (then left `failed`), changes of one transaction are delivered
 * in order while other transactions go on, and the event hub gets each delivered change without the clear user id.
 * Two callbacks are registered: the playground's own (first, at bootstrap: it journals calls and credits once per
 * key) and this test's (second, below).
 */
const DELIVERY_UID = 'plugin::button-personalization.hook-delivery';
const STATE_CHANGED = 'button-personalization.transaction.state-changed';
const OUTBOX_TABLE = 'button_hook_deliveries';
const OFFER = { id: 'offer-outbox', rate_percent: '5', rate_fixed: null, currency: null };

interface Change {
  idempotencyKey: string;
  transactionId: string;
  status: string;
  previousStatus: string | null;
  publisherCustomerId?: string | null;
  publisherCustomerHash: string | null;
}

interface Seen {
  key: string;
  attempt: number;
  tx: string;
  status: string;
  customerId: string | null;
  failed: boolean;
}

interface DeliveryRow {
  event_id: string;
  transaction_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number | string;
  last_error: string | null;
  customer_id_sealed: string | null;
  delivered_at: unknown;
}

interface JournalLine {
  key: string;
  attempt?: number;
  tx: string;
  status: string;
}

/** A playground with the playground's hook journal, this test's callback and an event hub subscriber. */
interface Harness {
  app: Playground;
  journal: string;
  seen: Seen[];
  hub: Change[];
  /** Whether this test's callback throws for a delivery (it records the call either way). */
  fail: (change: Change, delivery: { attempt: number }) => boolean;
}

async function startHarness(client: DatabaseClient, env: Record<string, string>): Promise<Harness> {
  const journal = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'button-plugin-outbox-')), 'hooks');
  const app = await startPlayground(
    { BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET, BUTTON_PUBREF_SECRET: PUBREF_SECRET, PLAYGROUND_HOOK_JOURNAL: journal, ...env },
    client
  );
  const harness: Harness = { app, journal, seen: [], hub: [], fail: () => false };
  commissions(app).onStateChange(async (change: Change, delivery: { idempotencyKey: string; attempt: number }) => {
    const failed = harness.fail(change, delivery);
    harness.seen.push({
      key: delivery.idempotencyKey,
      attempt: delivery.attempt,
      tx: change.transactionId,
      status: change.status,
      customerId: change.publisherCustomerId ?? null,
      failed,
    });
    if (failed) throw new Error(`this test's callback fails on purpose (attempt ${delivery.attempt})`);
  });
  app.strapi.eventHub.on(STATE_CHANGED, async (payload: unknown) => {
    harness.hub.push(payload as Change);
  });
  return harness;
}

async function stopHarness(harness: Harness | undefined): Promise<void> {
  if (!harness) return;
  await harness.app.stop();
  fs.rmSync(path.dirname(harness.journal), { recursive: true, force: true });
}

function commissions(app: Playground) {
  return app.strapi.plugin('button-personalization').service('commissions');
}

const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** One Button transaction: its events share the id, the user and the creation date. */
function buttonTransaction(customerId = newId('reader')) {
  const id = newId('tx-outbox');
  const createdDate = '2026-03-01T10:00:00.000Z';
  const event = (status: 'pending' | 'validated' | 'declined', modifiedDate: string) =>
    webhookEvent(
      `tx-${status}`,
      transaction({ id, status, modifiedDate, createdDate, customerId, pubRef: encodePubRef(OFFER, PUBREF_SECRET, customerId) })
    );
  return {
    id,
    customerId,
    pending: event('pending', createdDate),
    validated: event('validated', '2026-03-02T10:00:00.000Z'),
  };
}

async function send(app: Playground, event: ReturnType<typeof webhookEvent>): Promise<void> {
  const res = await postWebhook(app, JSON.stringify(event));
  expect(res.status).toBe(200);
  expect(res.body.data.outcome).toBe('applied');
}

async function deliveryOf(app: Playground, eventId: string): Promise<DeliveryRow | null> {
  return (await app.strapi.db.query(DELIVERY_UID as never).findOne({ where: { event_id: eventId } })) as DeliveryRow | null;
}

const journal = (file: string) => readJsonLines<JournalLine>(file);

/** Polls until `check` answers something (or the bound is over); `nudge` asks for a sweep of what is due now. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; nudge?: Playground } = {}
) {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (options.nudge) void commissions(options.nudge).deliverPendingHooks();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const rowIn = (app: Playground, eventId: string, ...statuses: DeliveryRow['status'][]) =>
  until(`the outbox row of ${eventId} to be ${statuses.join(' or ')}`, async () => {
    const row = await deliveryOf(app, eventId);
    return row && statuses.includes(row.status) ? row : undefined;
  });

const logsWith = (app: Playground, text: string) => app.logs.filter((line) => line.includes(text));

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('hook outbox on %s', (client) => {
  describe('retries (playground hook fails the first 2 deliveries of each change; maxAttempts 5)', () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness(client, {
        PLAYGROUND_HOOK_FAIL_ATTEMPTS: '2',
        BUTTON_HOOKS_MAX_ATTEMPTS: '5',
        BUTTON_HOOKS_BASE_DELAY_MS: '50',
        BUTTON_HOOKS_MAX_DELAY_MS: '200',
      });
    });

    afterAll(() => stopHarness(h));

    it('really runs on that database', () => {
      expect(h.app.strapi.db.config.connection.client).toBe(client);
    });

    it('writes the outbox row in the same database transaction as the change (all or nothing)', async () => {
      const rename = (from: string, to: string) => h.app.strapi.db.connection.raw(`ALTER TABLE ${from} RENAME TO ${to}`);
      const attempt = async (table: string, event: ReturnType<typeof webhookEvent>) => {
        await rename(table, `${table}_away`);
        try {
          return (await postWebhook(h.app, JSON.stringify(event))).status;
        } finally {
          await rename(`${table}_away`, table);
        }
      };
      const eventRows = async (eventId: string) =>
        h.app.strapi.db.query(WEBHOOK_EVENT_UID as never).count({ where: { event_id: eventId } });

      // The transaction row cannot be written: no outbox row (and no event row) is left behind.
      const first = buttonTransaction();
      expect(await attempt('button_transactions', first.pending)).toBe(500);
      expect(await deliveryOf(h.app, first.pending.id)).toBeNull();
      expect(await eventRows(first.pending.id)).toBe(0);

      // The outbox row cannot be written: the change itself is rolled back (event and transaction rows), so a
      // committed change always has its outbox row.
      const second = buttonTransaction();
      expect(await attempt(OUTBOX_TABLE, second.pending)).toBe(500);
      expect(await eventRows(second.pending.id)).toBe(0);
      expect(await transactionsOf(h.app.strapi, second.id)).toEqual([]);

      // Button's retry then commits both, and the change reaches the callbacks.
      await send(h.app, second.pending);
      expect(await deliveryOf(h.app, second.pending.id)).toMatchObject({ transaction_id: second.id });
      await rowIn(h.app, second.pending.id, 'delivered');
    }, 60_000);

    it('retries a failing delivery with backoff and delivers it on attempt 3, with the same key', async () => {
      const tx = buttonTransaction();
      await send(h.app, tx.pending);
      const key = tx.pending.id;
      // No nudge: the dispatcher's own poll retries.
      const row = await rowIn(h.app, key, 'delivered', 'failed');

      expect(row).toMatchObject({ status: 'delivered', last_error: null, customer_id_sealed: null });
      expect(Number(row.attempts)).toBe(3);
      const calls = journal(`${h.journal}.calls`).filter((call) => call.tx === tx.id);
      expect(calls.map((call) => [call.key, call.attempt])).toEqual([
        [key, 1],
        [key, 2],
        [key, 3],
      ]);
      expect(journal(`${h.journal}.credits`).filter((credit) => credit.tx === tx.id)).toEqual([
        { key, tx: tx.id, status: 'pending' },
      ]);
      // The playground's callback comes first: while it fails, this test's callback is not called at all.
      expect(h.seen.filter((seen) => seen.tx === tx.id)).toEqual([
        { key, attempt: 3, tx: tx.id, status: 'pending', customerId: tx.customerId, failed: false },
      ]);
      // Each failure is logged with its retry time, and the clear user id is nowhere in the logs.
      expect(logsWith(h.app, `(key ${key}, attempt 1); retrying at`)).toHaveLength(1);
      expect(logsWith(h.app, `(key ${key}, attempt 2); retrying at`)).toHaveLength(1);
      expect(logsWith(h.app, tx.customerId)).toEqual([]);

      const hubEvent = await until('the event hub copy', async () => h.hub.find((change) => change.idempotencyKey === key));
      expect(hubEvent).not.toHaveProperty('publisherCustomerId');
      expect(hubEvent.publisherCustomerHash).toBe(commissions(h.app).customerHash(tx.customerId));
      expect(h.hub.filter((change) => change.idempotencyKey === key)).toHaveLength(1);
    }, 60_000);
  });

  describe('give-up, ordering and two callbacks (maxAttempts 2, backoff up to 1 s)', () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness(client, {
        BUTTON_HOOKS_MAX_ATTEMPTS: '2',
        BUTTON_HOOKS_BASE_DELAY_MS: '1000',
        BUTTON_HOOKS_MAX_DELAY_MS: '1000',
      });
    });

    afterAll(() => stopHarness(h));

    afterEach(() => {
      h.fail = () => false;
    });

    it('two callbacks: when the second fails, both run again on the retry (the first honours the key)', async () => {
      const tx = buttonTransaction();
      const key = tx.pending.id;
      h.fail = (change, delivery) => change.idempotencyKey === key && delivery.attempt === 1;
      await send(h.app, tx.pending);
      const row = await until(
        'the delivery',
        async () => {
          const found = await deliveryOf(h.app, key);
          return found?.status === 'delivered' ? found : undefined;
        },
        { nudge: h.app }
      );
      expect(Number(row.attempts)).toBe(2);
      // The playground's callback ran on both attempts with the same key, and credited once.
      expect(
        journal(`${h.journal}.calls`)
          .filter((call) => call.tx === tx.id)
          .map((call) => [call.key, call.attempt])
      ).toEqual([
        [key, 1],
        [key, 2],
      ]);
      expect(journal(`${h.journal}.credits`).filter((credit) => credit.tx === tx.id)).toHaveLength(1);
      expect(h.seen.filter((seen) => seen.tx === tx.id).map((seen) => [seen.key, seen.attempt, seen.failed])).toEqual([
        [key, 1, true],
        [key, 2, false],
      ]);
    }, 60_000);

    it('gives up after maxAttempts: the row is left failed and an error is logged, without the user id', async () => {
      const tx = buttonTransaction();
      const key = tx.pending.id;
      h.fail = (change) => change.idempotencyKey === key;
      await send(h.app, tx.pending);
      const row = await until(
        'the give-up',
        async () => {
          const found = await deliveryOf(h.app, key);
          return found?.status === 'failed' ? found : undefined;
        },
        { nudge: h.app }
      );

      expect(Number(row.attempts)).toBe(2);
      expect(row.last_error).toBe("this test's callback fails on purpose (attempt 2)");
      // Still sealed (it may be retried by an operator), never in the clear.
      expect(row.customer_id_sealed).not.toBeNull();
      expect(row.customer_id_sealed).not.toContain(tx.customerId);
      const errors = logsWith(h.app, `(key ${key}, attempt 2); gave up after 2 attempts`);
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0]!)).toMatchObject({ level: 'error' });
      expect(errors[0]).toContain(tx.id);
      expect(logsWith(h.app, tx.customerId)).toEqual([]);
      expect(h.seen.filter((seen) => seen.key === key).map((seen) => seen.attempt)).toEqual([1, 2]);
      // Not delivered: nothing on the event hub.
      expect(h.hub.filter((change) => change.idempotencyKey === key)).toEqual([]);

      // The next change of that transaction waits behind the failed one (a callback never gets `validated` for a
      // transaction whose `pending` it never got) until an operator retries it, once the callback works again.
      await send(h.app, tx.validated);
      const commissions = h.app.strapi.plugin('button-personalization').service('commissions');
      await commissions.deliverPendingHooks();
      expect((await deliveryOf(h.app, tx.validated.id))?.status).toBe('pending');
      expect(h.seen.filter((seen) => seen.key === tx.validated.id)).toEqual([]);
      h.fail = () => false;
      expect(await commissions.retryFailedHooks()).toBe(1);
      await until(
        'the retried change and the one behind it',
        async () => ((await deliveryOf(h.app, tx.validated.id))?.status === 'delivered' ? true : undefined),
        { nudge: h.app }
      );
      expect(h.seen.filter((seen) => seen.tx === tx.id).map((seen) => [seen.key, seen.attempt])).toEqual([
        [key, 1],
        [key, 2],
        [key, 1],
        [tx.validated.id, 1],
      ]);
      expect(await deliveryOf(h.app, key)).toMatchObject({ status: 'delivered', customer_id_sealed: null });
    }, 60_000);

    it('delivers in order per transaction: a failing first change holds back its second, not other transactions', async () => {
      for (let round = 1; ; round += 1) {
        const a = buttonTransaction();
        const b = buttonTransaction();
        const seenOf = (tx: { id: string }) => h.seen.filter((seen) => seen.tx === tx.id).map((seen) => [seen.key, seen.attempt]);
        h.fail = (change, delivery) => change.idempotencyKey === a.pending.id && delivery.attempt === 1;

        await send(h.app, a.pending);
        await send(h.app, a.validated);
        // Its first attempt made. The retry can follow within milliseconds (full jitter) and be over before a poll
        // sees the row pending: then the hold below takes nothing and the round is tried again.
        await until("A's first delivery attempt", async () => {
          const row = await deliveryOf(h.app, a.pending.id);
          return row && Number(row.attempts) >= 1 ? true : undefined;
        });
        // Hold A's first change pending (its retry far away), by the database, as a long backoff would.
        const held = await h.app.strapi.db
          .connection(OUTBOX_TABLE)
          .where({ event_id: a.pending.id, status: 'pending', attempts: 1 })
          .update({ next_attempt_at: new Date(Date.now() + 3_600_000) });

        await send(h.app, b.pending);
        await send(h.app, b.validated);
        await until('B delivered', async () => (seenOf(b).length === 2 ? true : undefined), { nudge: h.app });

        // A's retry came before the hold took: the timing, not the outcome, is tried again.
        if (held !== 1 || seenOf(a).length !== 1) {
          if (round < 3) continue;
          throw new Error(`could not hold A's first change pending in 3 rounds: ${JSON.stringify(seenOf(a))}`);
        }

        // B went through (both changes, in order) while A's second change waited behind A's failed first one.
        expect(seenOf(b)).toEqual([
          [b.pending.id, 1],
          [b.validated.id, 1],
        ]);
        expect(seenOf(a)).toEqual([[a.pending.id, 1]]);
        expect(journal(`${h.journal}.calls`).filter((call) => call.key === a.validated.id)).toEqual([]);
        expect(await deliveryOf(h.app, a.validated.id)).toMatchObject({ status: 'pending', attempts: 0 });

        // Released: A's first change, then its second.
        await h.app.strapi.db
          .connection(OUTBOX_TABLE)
          .where({ event_id: a.pending.id })
          .update({ next_attempt_at: new Date(Date.now() - 1_000) });
        await until('A delivered', async () => (seenOf(a).length === 3 ? true : undefined), { nudge: h.app });
        expect(seenOf(a)).toEqual([
          [a.pending.id, 1],
          [a.pending.id, 2],
          [a.validated.id, 1],
        ]);
        expect(
          journal(`${h.journal}.credits`)
            .filter((credit) => credit.tx === a.id)
            .map((credit) => credit.status)
        ).toEqual(['pending', 'validated']);
        return;
      }
    }, 90_000);

    it('emits each delivered change, and only those, on the event hub, without the clear user id', async () => {
      const tx = buttonTransaction();
      await send(h.app, tx.pending);
      await send(h.app, tx.validated);
      await until('both changes on the hub', async () =>
        h.hub.filter((change) => change.transactionId === tx.id).length === 2 ? true : undefined
      );

      const rows = (await h.app.strapi.db.query(DELIVERY_UID as never).findMany({})) as DeliveryRow[];
      const delivered = rows.filter((row) => row.status === 'delivered').map((row) => row.event_id);
      await until('every delivered change on the hub', async () => (h.hub.length >= delivered.length ? true : undefined));
      expect(h.hub.map((change) => change.idempotencyKey).sort()).toEqual(delivered.sort());
      for (const change of h.hub) expect(change).not.toHaveProperty('publisherCustomerId');
      expect(h.hub.filter((change) => change.transactionId === tx.id)).toEqual([
        expect.objectContaining({ previousStatus: null, status: 'pending', idempotencyKey: tx.pending.id }),
        expect.objectContaining({ previousStatus: 'pending', status: 'validated', idempotencyKey: tx.validated.id }),
      ]);
      // Every user id this suite used: none on the hub.
      const users = h.seen.map((seen) => seen.customerId).filter((id): id is string => id !== null);
      expect(users.length).toBeGreaterThan(0);
      expect(users.filter((id) => JSON.stringify(h.hub).includes(id))).toEqual([]);
    }, 60_000);
  });
});
