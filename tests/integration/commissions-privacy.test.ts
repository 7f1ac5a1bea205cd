import type { Core } from '@strapi/strapi';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import type { DatabaseClient } from '../helpers/databases';
import { postWebhook, PUBREF_SECRET, transaction, WEBHOOK_EVENT_UID, WEBHOOK_SECRET, webhookEvent } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { encodePubRef } from '../../server/src/pub-ref';

/**
 * Retention, erasure and the CSV export, through the real routes and the real database (the three Strapi
 * supports: `$in`, `$notNull` and JSON columns behave differently in each):
 * - raw payloads older than `retention.rawPayloadDays` are removed, the ledger's own fields stay;
 * - erasing one end user removes what links their transactions to them (customer hash, pubRef, raw payloads,
 *   the outbox's sealed id), keeps what accounting needs, and touches nobody else;
 * - the export is the filtered list as CSV, formula-looking cells neutralised, behind its own permission.
 */
const TRANSACTION = 'plugin::button-personalization.transaction';
const DELIVERY = 'plugin::button-personalization.hook-delivery';
const ACTION = (name: string) => `plugin::button-personalization.${name}`;
const OFFER = { id: 'offer-1', rate_percent: '4.5', rate_fixed: null, currency: null };

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function send(app: Playground, txId: string, status: 'pending' | 'validated' | 'declined', customerId: string, extra = {}) {
  const pubRef = encodePubRef(OFFER, PUBREF_SECRET, customerId);
  const tx = transaction({
    id: txId,
    status,
    customerId,
    pubRef,
    modifiedDate: minutesAgo(status === 'pending' ? 30 : 10),
    ...extra,
  });
  const response = await postWebhook(app, JSON.stringify(webhookEvent(`tx-${status}`, tx)));
  expect(response.status).toBe(200);
}

/** Every text column of the plugin's tables, concatenated: where a value must not be found. */
async function everything(strapi: Core.Strapi): Promise<string> {
  const rows = await Promise.all(
    [TRANSACTION, WEBHOOK_EVENT_UID, DELIVERY].map((uid) => strapi.db.query(uid as never).findMany({}))
  );
  return JSON.stringify(rows);
}

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('retention, erasure and export on %s', (client) => {
  let app: Playground;
  let eraser: string;
  let exporter: string;
  let reader: string;

  beforeAll(async () => {
    app = await startPlayground(
      { BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET, BUTTON_PUBREF_SECRET: PUBREF_SECRET, BUTTON_RETENTION_RAW_PAYLOAD_DAYS: '1' },
      client
    );
    const login = async (name: string, actions: string[]) =>
      adminToken(
        app,
        await createAdminUserWithPermissions(
          app.strapi,
          name,
          actions.map((action) => ({ action }))
        )
      );
    eraser = await login('Privacy Officer', [ACTION('read'), ACTION('erase')]);
    exporter = await login('Finance', [ACTION('read'), ACTION('export')]);
    reader = await login('Reader', [ACTION('read')]);

    await send(app, 'tx-a-1', 'pending', 'alice');
    await send(app, 'tx-a-1', 'validated', 'alice');
    await send(app, 'tx-a-2', 'declined', 'alice');
    await send(app, 'tx-b-1', 'validated', 'bob', { merchantId: '=HYPERLINK("https://evil.example","x")' });
    await send(app, 'tx-b-2', 'pending', 'bob');
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it("removes raw payloads older than the retention period and keeps the ledger's own fields", async () => {
    // Two days old, as raw SQL sees it (Strapi's hooks cannot stop raw SQL: test set-up only).
    const old = new Date(Date.now() - 2 * 86_400_000);
    const knex = app.strapi.db.connection;
    await knex('button_webhook_events').whereIn('transaction_id', ['tx-b-1']).update({ created_at: old });
    await knex('button_transactions').where('transaction_id', 'tx-b-1').update({ modified_date: old });
    const before = (await app.strapi.db.query(TRANSACTION as never).findOne({ where: { transaction_id: 'tx-b-1' } })) as Record<
      string,
      unknown
    >;

    const result = await app.strapi.plugin('button-personalization').service('commissions').pruneRawPayloads();
    expect(result).toEqual({ events: 1, transactions: 1, deliveries: 0 });

    const after = (await app.strapi.db.query(TRANSACTION as never).findOne({ where: { transaction_id: 'tx-b-1' } })) as Record<
      string,
      unknown
    >;
    expect(after.payload).toBeNull();
    expect(after.payload_pruned).toBe(true);
    for (const field of [
      'status',
      'amount',
      'currency',
      'publisher_customer_hash',
      'pub_ref_status',
      'click_id',
      'conflict_count',
    ]) {
      expect({ field, value: after[field] }).toEqual({ field, value: before[field] });
    }
    const events = (await app.strapi.db.query(WEBHOOK_EVENT_UID as never).findMany({
      where: { transaction_id: 'tx-b-1' },
    })) as Array<{ payload: unknown; payload_pruned: boolean }>;
    expect(events.map((event) => [event.payload, event.payload_pruned])).toEqual([[null, true]]);
    // Recent rows keep theirs.
    const recent = (await app.strapi.db.query(TRANSACTION as never).findOne({ where: { transaction_id: 'tx-b-2' } })) as {
      payload: unknown;
    };
    expect(recent.payload).not.toBeNull();
    // A second pass has nothing left to do.
    expect(await app.strapi.plugin('button-personalization').service('commissions').pruneRawPayloads()).toEqual({
      events: 0,
      transactions: 0,
      deliveries: 0,
    });
  });

  it('refuses erasure to an admin without its permission, and a body without a user id', async () => {
    const refused = await app
      .http()
      .post('/button-personalization/erasure')
      .set('Authorization', `Bearer ${reader}`)
      .send({ user_id: 'alice' });
    expect(refused.status).toBe(403);
    const invalid = await app.http().post('/button-personalization/erasure').set('Authorization', `Bearer ${eraser}`).send({});
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.errors[0].path).toEqual(['user_id']);
  });

  it("erases one end user's link to the ledger, keeps the accounting, and leaves the others alone", async () => {
    const commissions = app.strapi.plugin('button-personalization').service('commissions');
    const aliceHash = commissions.customerHash('alice');
    const bobHash = commissions.customerHash('bob');
    expect(await everything(app.strapi)).toContain(aliceHash);

    const response = await app
      .http()
      .post('/button-personalization/erasure')
      .set('Authorization', `Bearer ${eraser}`)
      .send({ user_id: 'alice' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ transactions: 2, events: 3, deliveries: 3 });

    const dump = await everything(app.strapi);
    expect(dump).not.toContain(aliceHash);
    expect(dump).not.toContain('alice');
    expect(dump).toContain(bobHash);
    const rows = (await app.strapi.db.query(TRANSACTION as never).findMany({
      where: { transaction_id: { $in: ['tx-a-1', 'tx-a-2'] } },
      orderBy: { transaction_id: 'asc' },
    })) as Array<Record<string, unknown>>;
    for (const row of rows) {
      expect(row).toMatchObject({ publisher_customer_hash: null, pub_ref: null, payload: null });
      expect(row.erased_at).not.toBeNull();
      // Kept for accounting.
      expect(row.amount).toBe(250);
      expect(row.currency).toBe('USD');
      expect(row.commerce_organization).toBe('org-3a1f0c9e2b7d4e51');
    }
    expect(rows.map((row) => row.status)).toEqual(['validated', 'declined']);
    const deliveries = (await app.strapi.db.query(DELIVERY as never).findMany({
      where: { transaction_id: { $in: ['tx-a-1', 'tx-a-2'] } },
    })) as Array<{ customer_id_sealed: string | null; change: { publisherCustomerHash: string | null } }>;
    for (const row of deliveries) expect([row.customer_id_sealed, row.change.publisherCustomerHash]).toEqual([null, null]);

    // Nothing is left to find: a second request erases nothing.
    const again = await app
      .http()
      .post('/button-personalization/erasure')
      .set('Authorization', `Bearer ${eraser}`)
      .send({ user_id: 'alice' });
    expect(again.body.data).toEqual({ transactions: 0, events: 0, deliveries: 0 });
    // The erasure is logged without the user id.
    expect(app.logs.join('\n')).toMatch(/erasure requested by admin \d+: 2 transactions anonymised/);
    expect(app.logs.join('\n')).not.toContain('alice');
  });

  it('exports the filtered list as CSV to a role with the export permission only', async () => {
    const refused = await app.http().get('/button-personalization/commissions/export').set('Authorization', `Bearer ${reader}`);
    expect(refused.status).toBe(403);

    const all = await app
      .http()
      .get('/button-personalization/commissions/export')
      .set('Authorization', `Bearer ${exporter}`)
      .buffer(true);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(all.headers['content-disposition']).toMatch(/^attachment; filename="button-commissions-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = all.text.trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['transaction_id', 'status', 'category', 'amount']);
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort()
    ).toEqual(['tx-a-1', 'tx-a-2', 'tx-b-1', 'tx-b-2']);
    // A brand that reads as a formula is neutralised (and quoted: it holds commas and quotes).
    expect(all.text).toContain(`"'=HYPERLINK(""https://evil.example"",""x"")"`);

    const validated = await app
      .http()
      .get('/button-personalization/commissions/export?status=validated')
      .set('Authorization', `Bearer ${exporter}`)
      .buffer(true);
    expect(
      validated.text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort()
    ).toEqual(['tx-a-1', 'tx-b-1']);

    const invalid = await app
      .http()
      .get('/button-personalization/commissions/export?status=paid')
      .set('Authorization', `Bearer ${exporter}`);
    expect(invalid.status).toBe(400);
  });
});
