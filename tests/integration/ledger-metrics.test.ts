import { postWebhook, PUBREF_SECRET, transaction, WEBHOOK_SECRET, webhookEvent } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';

/** The ledger's operations in the metrics scrape: the hook outbox's backlog and the last successful reconciliation. */
describe('ledger metrics', () => {
  let app: Playground;
  let token: string;

  beforeAll(async () => {
    app = await startPlayground({
      BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BUTTON_PUBREF_SECRET: PUBREF_SECRET,
      BUTTON_HOOKS_MAX_ATTEMPTS: '1',
    });
    token = await app.createApiToken(['plugin::button-personalization.metrics.scrape']);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  const scrape = async () => {
    const response = await app.http().get('/api/button-personalization/metrics').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    return response.text;
  };

  it('counts undelivered and failed hook deliveries, and reads 0 for the reconciliation before any run', async () => {
    expect(await scrape()).toMatch(/^button_hook_deliveries\{status="pending"\} 0$/m);
    const commissions = app.strapi.plugin('button-personalization').service('commissions');
    const off = commissions.onStateChange(async () => {
      throw new Error('the publisher callback is down');
    });
    const body = JSON.stringify(webhookEvent('tx-pending', transaction({ id: 'tx-metrics-1', status: 'pending', pubRef: null })));
    expect((await postWebhook(app, body)).status).toBe(200);
    await commissions.deliverPendingHooks();
    off();
    const text = await scrape();
    expect(text).toMatch(/^button_hook_deliveries\{status="failed"\} 1$/m);
    expect(text).toMatch(/^button_hook_deliveries\{status="pending"\} 0$/m);
    expect(text).toMatch(/^button_reconciliation_last_success_timestamp_seconds 0$/m);
  });
});
