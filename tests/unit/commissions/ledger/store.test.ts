import { HOOK_DELIVERY_UID } from '../../../../server/src/constants';
import { parseWebhookBody, type WebhookEvent } from '../../../../server/src/commissions/intake/payload';
import { createLedger } from '../../../../server/src/commissions/ledger/store';
import { transaction, webhookEvent } from '../../../../simulator';
import { createFakeDb } from '../fake-db';

/** The ledger's effects as reconciliation reads them (`recordWithEffect`), and which of them write an outbox row. */
const NOW = new Date('2026-03-02T00:00:00.000Z');

function ledger() {
  const db = createFakeDb();
  const store = createLedger({
    db,
    secrets: () => ({ webhookSecret: 'whsec-unit', pubRefSecret: undefined, pubRefMaxAgeDays: 30 }),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    emit: () => undefined,
    now: () => NOW,
    hooks: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    instanceId: 'unit-1',
    random: () => 0.5,
  });
  return { db, store };
}

function eventOf(status: 'pending' | 'validated' | 'declined', modifiedDate: string, eventId?: string): WebhookEvent {
  const tx = transaction({ id: 'tx-1', status, modifiedDate, pubRef: null, customerId: 'reader-1' });
  const parsed = parseWebhookBody(Buffer.from(JSON.stringify(webhookEvent(`tx-${status}`, tx, eventId))));
  if (!parsed.success) throw new Error(parsed.message);
  return parsed.event;
}

describe('createLedger: recordWithEffect', () => {
  it('tells inserted from updated, and names stale, conflict, duplicate and ignored; outbox rows for changes only', async () => {
    const { db, store } = ledger();
    const first = eventOf('pending', '2026-03-01T10:00:00Z', 'hook-1');
    const outboxRows = () => db.rows(HOOK_DELIVERY_UID).map((row) => row.event_id);

    expect(await store.recordWithEffect(first)).toBe('inserted');
    expect(await store.recordWithEffect(first)).toBe('duplicate');
    expect(await store.recordWithEffect(eventOf('pending', '2026-03-01T11:00:00Z', 'hook-2'))).toBe('updated'); // adjustment
    expect(await store.recordWithEffect(eventOf('pending', '2026-03-01T09:00:00Z', 'hook-3'))).toBe('stale');
    expect(await store.recordWithEffect(eventOf('validated', '2026-03-01T12:00:00Z', 'hook-4'))).toBe('updated');
    expect(await store.recordWithEffect(eventOf('declined', '2026-03-01T13:00:00Z', 'hook-5'))).toBe('conflict');
    const unknown = parseWebhookBody(Buffer.from(JSON.stringify({ id: 'hook-6', event_type: 'order-shipped', data: {} })));
    if (!unknown.success) throw new Error(unknown.message);
    expect(await store.recordWithEffect(unknown.event)).toBe('ignored');

    // First sight and the status change; not the adjustment (same status), stale, conflict, duplicate or ignored.
    expect(outboxRows()).toEqual(['hook-1', 'hook-4']);
    await store.hooks.stop();
  });

  it('record() answers applied for both inserted and updated', async () => {
    const { store } = ledger();
    expect(await store.record(eventOf('pending', '2026-03-01T10:00:00Z'))).toBe('applied');
    expect(await store.record(eventOf('validated', '2026-03-01T11:00:00Z'))).toBe('applied');
    await store.hooks.stop();
  });
});
