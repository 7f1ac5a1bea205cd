import type { AddressInfo } from 'node:net';
import { createButtonSimulator } from '../../simulator';
import type { DatabaseClient } from '../helpers/databases';
import { createMerchantOffer } from '../helpers/fixtures';
import { PUBREF_SECRET, transactionsOf, WEBHOOK_PATH, WEBHOOK_SECRET } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, userWithEveryMerchant } from '../helpers/simulator';

/**
 * The whole commission trip, every part real: the offers endpoint serves an offer with a signed pub_ref; that
 * pub_ref goes to the Button simulator (a real server), which sends Button's signed webhooks over a real socket
 * to the listening Strapi; the ledger row names the same click id, offer id and rate shown, and the publisher's
 * hook fires once per state change. On SQLite, PostgreSQL and MariaDB.
 */
const USER = userWithEveryMerchant('trip');
const [M0] = MERCHANTS.map((merchant) => merchant.merchant_id) as [string];

interface Change {
  transactionId: string;
  previousStatus: string | null;
  status: string;
  clickId: string | null;
  offerId: string | null;
  tagValid: boolean;
  publisherCustomerId: string | null;
}

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('commission trip on %s', (client) => {
  let sim: ReturnType<typeof createButtonSimulator>;
  let app: Playground;
  let token: string;
  let webhookUrl: string;
  const changes: Change[] = [];

  beforeAll(async () => {
    sim = createButtonSimulator({ apiKey: SIM_API_KEY, webhookSecret: WEBHOOK_SECRET });
    await sim.start();
    app = await startPlayground(
      {
        BUTTON_API_KEY: SIM_API_KEY,
        BUTTON_API_BASE_URL: sim.url,
        BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
        BUTTON_PUBREF_SECRET: PUBREF_SECRET,
      },
      client
    );
    token = await app.createApiToken();
    await createMerchantOffer(app.strapi, { merchant_id: M0, name: 'Northwind Shoes' });
    app.strapi
      .plugin('button-personalization')
      .service('commissions')
      .onStateChange((change: Change) => {
        changes.push(change);
      });
    // Button reaches the webhook endpoint over the network: Strapi listens on a real port (0: any free one).
    await new Promise<void>((resolve) => app.strapi.server.httpServer.listen(0, '127.0.0.1', () => resolve()));
    const { port } = app.strapi.server.httpServer.address() as AddressInfo;
    webhookUrl = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  const servedOffer = async () => {
    const res = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: USER });
    expect(res.status).toBe(200);
    const offer = res.body.data[0].offers[0] as {
      id: string;
      rate_percent: string | null;
      rate_fixed: string | null;
      currency: string | null;
      pub_ref: string;
    };
    expect(offer.pub_ref.length).toBeLessThanOrEqual(100);
    return offer;
  };

  const playWebhooks = async (body: Record<string, unknown>) => {
    const res = await fetch(`${sim.url}/__simulator/webhooks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: webhookUrl, ...body }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      transaction_id: string;
      reports: Array<{ delivered: boolean; attempts: Array<{ status: number }> }>;
    };
  };

  it('offers -> pub_ref -> Button webhooks -> ledger, with the hook fired once per state change', async () => {
    const offer = await servedOffer();
    const clickId = offer.pub_ref.split('~')[1];
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
    const before = changes.length;

    const played = await playWebhooks({ pub_ref: offer.pub_ref, final: 'validated', customer_id: USER, duplicates: 2 });
    expect(played.reports.every((report) => report.delivered)).toBe(true);

    const [row, ...others] = await transactionsOf(app.strapi, played.transaction_id);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({
      status: 'validated',
      pub_ref: offer.pub_ref,
      pub_ref_tag_valid: true,
      click_id: clickId,
      offer_id: offer.id,
      rate_kind: offer.rate_percent !== null ? 'percent' : 'fixed',
      rate_value: offer.rate_percent ?? offer.rate_fixed,
    });
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
    const fired = changes.slice(before);
    expect(fired.map((change) => [change.previousStatus, change.status])).toEqual([
      [null, 'pending'],
      ['pending', 'validated'],
    ]);
    expect(
      fired.every(
        (change) =>
          change.clickId === clickId && change.offerId === offer.id && change.tagValid && change.publisherCustomerId === USER
      )
    ).toBe(true);
  });

  it('declined, delivered out of order and concurrently: the ledger ends declined, the hook fires once', async () => {
    const offer = await servedOffer();
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
    const before = changes.length;
    const played = await playWebhooks({
      pub_ref: offer.pub_ref,
      final: 'declined',
      order: 'reversed',
      duplicates: 4,
      concurrent: true,
    });
    expect(played.reports.every((report) => report.delivered)).toBe(true);
    expect(await transactionsOf(app.strapi, played.transaction_id)).toEqual([
      expect.objectContaining({ status: 'declined', offer_id: offer.id }),
    ]);
    // The late pending event is stale: the only state change is the first sight, already declined.
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
    expect(changes.slice(before).map((change) => [change.previousStatus, change.status])).toEqual([[null, 'declined']]);
  });

  it('retries like Button after a storage failure (500), and the retry lands exactly once', async () => {
    const offer = await servedOffer();
    // A real failure inside the database transaction, once: the event row written first is rolled back with it.
    let failures = 1;
    app.strapi.db.lifecycles.subscribe({
      models: ['plugin::button-personalization.transaction'],
      beforeCreate() {
        if (failures > 0) {
          failures -= 1;
          throw new Error('simulated storage failure');
        }
      },
    });
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
    const before = changes.length;
    const played = await playWebhooks({ pub_ref: offer.pub_ref, final: null, retry_delays_ms: [5, 5] });
    expect(played.reports[0]!.delivered).toBe(true);
    expect(played.reports[0]!.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
    expect(await transactionsOf(app.strapi, played.transaction_id)).toEqual([
      expect.objectContaining({ status: 'pending', click_id: offer.pub_ref.split('~')[1] }),
    ]);
    await app.strapi.plugin('button-personalization').service('commissions').deliverPendingHooks();
    expect(changes.length - before).toBe(1);
  });

  it('keeps retrying a refused signature (401) until Button gives up, storing nothing', async () => {
    const offer = await servedOffer();
    const refused = await playWebhooks({
      pub_ref: offer.pub_ref,
      final: null,
      secret: 'not-the-webhook-secret',
      retry_delays_ms: [5, 5],
    });
    expect(refused.reports[0]!.delivered).toBe(false);
    expect(refused.reports[0]!.attempts.map((attempt) => attempt.status)).toEqual([401, 401, 401]);
    expect(await transactionsOf(app.strapi, refused.transaction_id)).toHaveLength(0);
  });
});
