import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Core } from '@strapi/strapi';
import { createButtonSimulator, transaction, webhookEvent } from '../../simulator';
import { encodePubRef, type OfferForPubRef } from '../../server/src/pub-ref';
import type { DatabaseClient } from '../helpers/databases';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import { PUBREF_SECRET, TRANSACTION_UID, WEBHOOK_EVENT_UID, WEBHOOK_PATH, WEBHOOK_SECRET } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY } from '../helpers/simulator';

/**
 * Issue 14, the proof: Button loses 30% of its webhooks, the ledger is incomplete, one reconciliation run over the
 * Transactions API (the simulator's, fed by the very webhooks it sent or dropped) makes it identical to the ledger
 * of a run where every webhook arrived, on SQLite, PostgreSQL and MariaDB; through the same ledger path (one row per
 * transaction, ordering and final-state rules, the publisher's hook), with the source of each change recorded.
 */
type Simulator = ReturnType<typeof createButtonSimulator>;
type Sender = ReturnType<Simulator['webhookSender']>;
type Event = ReturnType<typeof webhookEvent>;
type Final = 'validated' | 'declined' | null;

interface Run {
  id: number;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  pages: number;
  transactions_seen: number;
  added: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  errors: number;
  truncated: boolean;
  message: string | null;
}

interface Change {
  idempotencyKey: string;
  transactionId: string;
  previousStatus: string | null;
  status: string;
  source: string;
}

const PAGE_SIZE = 7;
const READ = 'plugin::button-personalization.read';
const RECONCILE = 'plugin::button-personalization.reconcile';
const OFFER: OfferForPubRef = { id: 'offer-recon-cat7', rate_percent: '4.5', rate_fixed: null, currency: null };
const HOUR = 3_600_000;
// Fixed for the whole file, so the reference and the dropped runs (and the three databases) see the same data.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

/** One transaction of the dataset and its webhooks (pending, then the final state a minute later, if any). */
interface Planned {
  id: string;
  final: Final;
  events: Event[];
}

/**
 * 40 transactions, starts spread over the last 60 hours, validated / declined / still pending, six customers,
 * amounts from 100 to 607, and pubRefs of every verdict: valid for the customer, issued to another customer
 * (invalid), issued long before the order (stale), none.
 */
const DATASET: Planned[] = Array.from({ length: 40 }, (_, i) => {
  const id = `tx-recon-${String(i).padStart(2, '0')}`;
  const final: Final = i % 5 === 3 ? null : i % 4 === 2 ? 'declined' : 'validated';
  const customerId = `reader-${i % 6}`;
  const start = NOW - 60 * HOUR + i * 90 * 60_000;
  const issuedAt = i % 4 === 3 ? start - 40 * 24 * HOUR : start - 10 * 60_000;
  const pubRef =
    i % 4 === 1
      ? null
      : encodePubRef(OFFER, PUBREF_SECRET, i % 4 === 2 ? `someone-else-${i}` : customerId, { now: () => issuedAt });
  const common = {
    id,
    pubRef,
    customerId,
    amount: 100 + i * 13,
    orderTotal: 4_000 + i * 100,
    buttonOrderId: `btnorder-recon-${i}`,
    createdDate: new Date(start).toISOString(),
  };
  const events = [
    webhookEvent(
      'tx-pending',
      transaction({ ...common, status: 'pending', modifiedDate: new Date(start).toISOString() }),
      `hook-${id}-pending`
    ),
  ];
  if (final !== null) {
    events.push(
      webhookEvent(
        `tx-${final}`,
        transaction({ ...common, status: final, modifiedDate: new Date(start + 60_000).toISOString() }),
        `hook-${id}-${final}`
      )
    );
  }
  return { id, final, events };
});

// Everything but identities, bookkeeping, and what says how (not what) the ledger learnt.
const NOT_SEMANTIC = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'locale',
  'last_webhook_id',
  'last_event_type',
  'last_source',
  'payload',
  'payload_sanitised',
  'payload_sha256',
  'payload_pruned',
  'erased_at',
]);

type Row = Record<string, unknown>;
const byTransactionId = (a: Row, b: Row) =>
  String(a.transaction_id) < String(b.transaction_id) ? -1 : String(a.transaction_id) > String(b.transaction_id) ? 1 : 0;

async function allTransactions(strapi: Core.Strapi): Promise<Row[]> {
  const rows = (await strapi.db.query(TRANSACTION_UID as never).findMany({})) as Row[];
  return rows.sort(byTransactionId);
}

/** The ledger's semantic content, sorted by transaction id (dates as ISO strings, whatever the driver returns). */
async function snapshot(strapi: Core.Strapi): Promise<Row[]> {
  return (await allTransactions(strapi)).map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([key]) => !NOT_SEMANTIC.has(key))
        .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])
    )
  );
}

/** The event id reconciliation gives a state it read (transaction-event.ts): the hook's idempotency key. */
const reconciliationKey = (data: Record<string, unknown>) =>
  `recon-${createHash('sha256')
    .update(`${String(data.id)}\n${String(data.status)}\n${Date.parse(String(data.modified_date))}`)
    .digest('hex')}`;

/** Polls a condition with a bound on the number of rounds, never on a duration asserted. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, rounds = 600): Promise<T> {
  for (let i = 0; i < rounds; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface Ledger {
  sim: Simulator;
  app: Playground;
  webhookUrl: string;
  changes: Change[];
}

/** A fresh simulator (pages of 7) and a fresh playground on its own database, listening for Button's webhooks. */
async function startLedger(client: DatabaseClient): Promise<Ledger> {
  const sim = createButtonSimulator({ apiKey: SIM_API_KEY, webhookSecret: WEBHOOK_SECRET, transactionsPageSize: PAGE_SIZE });
  await sim.start();
  let app: Playground;
  try {
    app = await startPlayground(
      {
        BUTTON_API_KEY: SIM_API_KEY,
        BUTTON_API_BASE_URL: sim.url,
        BUTTON_ACCOUNTS_BASE_URL: sim.url,
        BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
        BUTTON_PUBREF_SECRET: PUBREF_SECRET,
        BUTTON_RECONCILIATION_ACCOUNT_ID: sim.accountId,
        BUTTON_RECONCILIATION_SCHEDULE: '',
        BUTTON_RECONCILIATION_WINDOW_HOURS: '96',
        BUTTON_RETENTION_SCHEDULE: '',
        // Pages are paced to a tenth of the budget: a large one keeps the run quick.
        BUTTON_RATE_LIMIT_PER_MINUTE: '60000',
      },
      client
    );
  } catch (error) {
    await sim.stop();
    throw error;
  }
  const changes: Change[] = [];
  app.strapi
    .plugin('button-personalization')
    .service('commissions')
    .onStateChange((change: Change) => {
      changes.push(change);
    });
  await new Promise<void>((resolve) => app.strapi.server.httpServer.listen(0, '127.0.0.1', () => resolve()));
  const { port } = app.strapi.server.httpServer.address() as AddressInfo;
  return { sim, app, webhookUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, changes };
}

async function stopLedger(ledger: Ledger | undefined): Promise<void> {
  await ledger?.app.stop();
  await ledger?.sim.stop();
}

/** Plays the dataset's webhooks in order, each transaction's pending before its final state. */
async function playDataset(sender: Sender) {
  const dropped: Event[] = [];
  for (const planned of DATASET) {
    for (const event of planned.events) {
      const report = await sender.deliver(event);
      if (report.dropped) dropped.push(event);
      else expect(report).toMatchObject({ delivered: true });
    }
  }
  return dropped;
}

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('reconciliation on %s', (client) => {
  let reference: Row[];
  let ledger: Ledger;
  let token: string;
  let dropped: Event[];
  let differing: string[];

  const commissions = () => ledger.app.strapi.plugin('button-personalization').service('commissions');

  /** Starts a run the way the admin does, and waits for its end through the admin's own history. */
  async function reconcile(): Promise<Run> {
    const res = await ledger.app
      .http()
      .post('/button-personalization/reconciliation/runs')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'running', trigger: 'manual', account_id: ledger.sim.accountId });
    const id = res.body.data.id as number;
    return waitFor(`run ${id}`, async () => {
      const history = await ledger.app
        .http()
        .get('/button-personalization/reconciliation')
        .set('Authorization', `Bearer ${token}`);
      expect(history.status).toBe(200);
      const run = (history.body.data.runs as Run[]).find((candidate) => candidate.id === id);
      return run !== undefined && run.status !== 'running' ? run : undefined;
    });
  }

  beforeAll(async () => {
    // The reference: every webhook delivered.
    let full: Ledger | undefined;
    try {
      full = await startLedger(client);
      expect(await playDataset(full.sim.webhookSender({ url: full.webhookUrl, retryDelaysMs: [10, 20, 40] }))).toEqual([]);
      reference = await snapshot(full.app.strapi);
    } finally {
      await stopLedger(full);
    }
    ledger = await startLedger(client);
    token = await adminToken(
      ledger.app,
      await createAdminUserWithPermissions(ledger.app.strapi, 'Reconciler', [{ action: READ }, { action: RECONCILE }])
    );
  }, 300_000);

  afterAll(async () => {
    await stopLedger(ledger);
  }, 60_000);

  it('builds the reference ledger: one row per transaction, every final state and pubRef verdict', () => {
    expect(reference.map((row) => row.transaction_id)).toEqual(DATASET.map((planned) => planned.id));
    expect(reference.map((row) => row.status)).toEqual(DATASET.map((planned) => planned.final ?? 'pending'));
    const verdicts = new Set(reference.map((row) => `${String(row.pub_ref_status)}/${String(row.pub_ref_stale)}`));
    // valid, valid but stale, issued to another customer, none: all four are compared below.
    expect(verdicts.size).toBeGreaterThanOrEqual(4);
    expect(reference.filter((row) => row.pub_ref_status === 'valid').length).toBeGreaterThan(0);
    expect(reference.filter((row) => row.pub_ref_status === 'invalid').length).toBeGreaterThan(0);
  });

  it('drops 30% of the webhooks, then one reconciliation run makes the ledger identical to the reference', async () => {
    dropped = await playDataset(
      ledger.sim.webhookSender({ url: ledger.webhookUrl, retryDelaysMs: [10, 20, 40], drop: { ratio: 0.3, seed: 1414 } })
    );
    const events = DATASET.reduce((sum, planned) => sum + planned.events.length, 0);
    expect(dropped.length).toBeGreaterThan(events * 0.15);
    expect(dropped.length).toBeLessThan(events * 0.45);
    expect(ledger.sim.transactions.size).toBe(DATASET.length);

    const incomplete = await snapshot(ledger.app.strapi);
    expect(incomplete).not.toEqual(reference);
    const byId = new Map(incomplete.map((row) => [row.transaction_id, row]));
    differing = reference
      .filter((row) => JSON.stringify(byId.get(row.transaction_id)) !== JSON.stringify(row))
      .map((row) => String(row.transaction_id));
    expect(differing.length).toBeGreaterThan(0);
    // Missing or behind, never ahead: a row the webhooks wrote is the reference's, or still pending where it is final.
    const referenceOf = new Map(reference.map((row) => [row.transaction_id, row]));
    for (const row of incomplete) {
      const expected = referenceOf.get(row.transaction_id)!;
      if (JSON.stringify(row) !== JSON.stringify(expected))
        expect([row.status, expected.status]).toEqual(['pending', expect.stringMatching(/^(validated|declined)$/)]);
    }

    const run = await reconcile();
    expect(run).toMatchObject({ status: 'succeeded', conflicts: 0, errors: 0, truncated: false, message: null });
    expect(run.pages).toBeGreaterThanOrEqual(Math.ceil(DATASET.length / PAGE_SIZE));
    expect(run.transactions_seen).toBe(DATASET.length);
    expect(run.added + run.updated).toBe(differing.length);
    expect(run.added).toBe(reference.length - incomplete.length);
    expect(run.unchanged).toBe(DATASET.length - differing.length);

    expect(await snapshot(ledger.app.strapi)).toEqual(reference);

    // One row per transaction; the source of each row's last change, and of each event, recorded.
    const rows = await allTransactions(ledger.app.strapi);
    expect(rows.map((row) => row.transaction_id)).toEqual(DATASET.map((planned) => planned.id));
    for (const row of rows) {
      expect([row.transaction_id, row.last_source]).toEqual([
        row.transaction_id,
        differing.includes(String(row.transaction_id)) ? 'reconciliation' : 'webhook',
      ]);
    }
    const reconciled = (await ledger.app.strapi.db
      .query(WEBHOOK_EVENT_UID as never)
      .findMany({ where: { source: 'reconciliation' } })) as Row[];
    expect(reconciled.map((event) => event.transaction_id).sort()).toEqual([...differing].sort());
    expect(reconciled.every((event) => event.outcome === 'applied' && String(event.event_id).startsWith('recon-'))).toBe(true);
    // Stored like a webhook's: the customer id only as its keyed hash.
    expect(JSON.stringify(reconciled.map((event) => event.payload))).not.toContain('"reader-');
    expect(JSON.stringify(rows.map((row) => row.payload))).not.toContain('"reader-');
    const fromWebhooks = (await ledger.app.strapi.db
      .query(WEBHOOK_EVENT_UID as never)
      .count({ where: { source: 'webhook' } })) as number;
    expect(Number(fromWebhooks)).toBe(events - dropped.length);
  });

  it("delivers the publisher's hook for every final state only reconciliation found, with its source and key", async () => {
    const droppedIds = new Set(dropped.map((event) => event.id));
    const foundByReconciliation = DATASET.flatMap((planned) => {
      const last = planned.events[planned.events.length - 1]!;
      return planned.final !== null && droppedIds.has(last.id) ? [last] : [];
    });
    expect(foundByReconciliation.length).toBeGreaterThan(0);
    const changes = await waitFor('the outbox', async () => {
      await commissions().deliverPendingHooks();
      const keys = new Set(ledger.changes.map((change) => change.idempotencyKey));
      return foundByReconciliation.every((event) => keys.has(reconciliationKey(event.data))) ? ledger.changes : undefined;
    });
    for (const event of foundByReconciliation) {
      expect(changes.filter((change) => change.idempotencyKey === reconciliationKey(event.data))).toEqual([
        expect.objectContaining({ transactionId: event.data.id, status: event.data.status, source: 'reconciliation' }),
      ]);
    }
    // Every change reconciliation caused says so, and is keyed by the state it read.
    for (const change of changes.filter((candidate) => candidate.source === 'reconciliation')) {
      expect(differing).toContain(change.transactionId);
      expect(change.idempotencyKey).toBe(reconciliationKey(ledger.sim.transactions.get(change.transactionId) ?? {}));
    }
    expect(changes.filter((change) => change.source !== 'webhook' && change.source !== 'reconciliation')).toEqual([]);
  });

  it("changes nothing on a second run, and absorbs Button's late redelivery of the dropped webhooks", async () => {
    const run = await reconcile();
    expect(run).toMatchObject({
      status: 'succeeded',
      transactions_seen: DATASET.length,
      unchanged: DATASET.length,
      added: 0,
      updated: 0,
      conflicts: 0,
      errors: 0,
    });
    expect(await snapshot(ledger.app.strapi)).toEqual(reference);

    const hooksBefore = ledger.changes.length;
    const late = ledger.sim.webhookSender({ url: ledger.webhookUrl, retryDelaysMs: [10, 20, 40] });
    for (const event of dropped) {
      const report = await late.deliver(event);
      expect(report.delivered).toBe(true);
      const answer = report.attempts[report.attempts.length - 1]!.body as { data: { outcome: string } };
      expect([event.id, answer.data.outcome]).toEqual([event.id, 'stale']);
    }
    expect(await snapshot(ledger.app.strapi)).toEqual(reference);
    expect((await allTransactions(ledger.app.strapi)).length).toBe(DATASET.length);
    await commissions().deliverPendingHooks();
    expect(ledger.changes.length).toBe(hooksBefore);
  });

  it('counts a validated transaction Button now calls declined as one conflict, and does not overwrite it', async () => {
    const id = `tx-recon-conflict-${client}`;
    const start = NOW - 3 * HOUR;
    const common = {
      id,
      pubRef: null,
      customerId: 'reader-9',
      buttonOrderId: 'btnorder-conflict',
      createdDate: new Date(start).toISOString(),
    };
    const sender = ledger.sim.webhookSender({ url: ledger.webhookUrl, retryDelaysMs: [10, 20, 40] });
    for (const [status, at] of [
      ['pending', start],
      ['validated', start + 60_000],
    ] as const) {
      const report = await sender.deliver(
        webhookEvent(`tx-${status}`, transaction({ ...common, status, modifiedDate: new Date(at).toISOString() }))
      );
      expect(report.delivered).toBe(true);
    }
    // Button's record moves on to declined later, and no webhook says so.
    expect(
      ledger.sim.transactions.put(
        transaction({ ...common, status: 'declined', modifiedDate: new Date(start + HOUR).toISOString() })
      )
    ).toBe(true);

    const run = await reconcile();
    expect(run).toMatchObject({ status: 'succeeded', conflicts: 1, added: 0, updated: 0, errors: 0 });
    const rows = await allTransactions(ledger.app.strapi);
    expect(rows.filter((row) => row.transaction_id === id)).toEqual([
      expect.objectContaining({ status: 'validated', last_source: 'webhook' }),
    ]);
    expect(Number(rows.find((row) => row.transaction_id === id)!.conflict_count)).toBe(1);
    const events = (await ledger.app.strapi.db
      .query(WEBHOOK_EVENT_UID as never)
      .findMany({ where: { transaction_id: id, source: 'reconciliation' } })) as Row[];
    expect(events).toEqual([expect.objectContaining({ outcome: 'conflict', status: 'declined' })]);

    // The same contradiction read again is the same event: counted once, whatever the number of runs.
    const again = await reconcile();
    expect(again).toMatchObject({ status: 'succeeded', conflicts: 0, errors: 0, unchanged: again.transactions_seen });
    expect(Number((await allTransactions(ledger.app.strapi)).find((row) => row.transaction_id === id)!.conflict_count)).toBe(1);
  });

  it("retries Button's API when it fails for a while (503 twice), and the run succeeds", async () => {
    const before = ledger.sim.stats().faultsFired.status ?? 0;
    ledger.sim.faults.set({ rules: [{ route: 'transactions', kind: 'status', status: 503, times: 2 }] });
    try {
      const run = await reconcile();
      expect(run).toMatchObject({ status: 'succeeded', errors: 0, added: 0, updated: 0 });
      expect(run.pages).toBeGreaterThanOrEqual(Math.ceil(run.transactions_seen / PAGE_SIZE));
      expect((ledger.sim.stats().faultsFired.status ?? 0) - before).toBe(2);
    } finally {
      ledger.sim.faults.clear();
    }
    const dataset = (await snapshot(ledger.app.strapi)).filter((row) => /^tx-recon-\d\d$/.test(String(row.transaction_id)));
    expect(dataset).toEqual(reference);
  });

  it('fails the run on a permanent 401 (a revoked key), with a message that does not contain the key', async () => {
    ledger.sim.setApiKey('sim_rotated_key_0000');
    try {
      const run = await reconcile();
      expect(run.status).toBe('failed');
      expect(typeof run.message).toBe('string');
      expect(run.message).not.toContain(SIM_API_KEY);
      expect(run.message).not.toContain(Buffer.from(`${SIM_API_KEY}:`).toString('base64'));
      expect(ledger.app.logs.join('\n')).not.toContain(SIM_API_KEY);
    } finally {
      ledger.sim.setApiKey(SIM_API_KEY);
    }
    expect((await allTransactions(ledger.app.strapi)).length).toBe(DATASET.length + 1);
  });

  // A failure message past 255 characters (Button's error message, up to 200, after the client's own words) must
  // still be stored on every database, or the run row would stay `running` and its lease held.
  it('records a failure with a long message from Button as failed, and releases the lease', async () => {
    ledger.sim.faults.set({
      rules: [{ route: 'transactions', kind: 'error-envelope', message: 'Button is unhappy. '.repeat(12), times: 1 }],
    });
    try {
      const res = await ledger.app
        .http()
        .post('/button-personalization/reconciliation/runs')
        .set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(202);
      const id = res.body.data.id as number;
      const run = await waitFor(
        `run ${id}`,
        async () => {
          const runs = (await commissions().reconciliationRuns(5)) as Run[];
          const found = runs.find((candidate) => candidate.id === id);
          return found !== undefined && found.status !== 'running' ? found : undefined;
        },
        150
      );
      expect(run.status).toBe('failed');
      expect(run.message).toMatch(/^Button answered 200 but its body was an error envelope/);
    } finally {
      ledger.sim.faults.clear();
    }
    const next = await ledger.app
      .http()
      .post('/button-personalization/reconciliation/runs')
      .set('Authorization', `Bearer ${token}`);
    expect(next.status).toBe(202);
    await waitFor('the next run', async () => {
      const [latest] = (await commissions().reconciliationRuns(1)) as Run[];
      return latest !== undefined && latest.status !== 'running' ? latest : undefined;
    });
  }, 60_000);
});
