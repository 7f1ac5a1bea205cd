import { eventFromApiTransaction } from '../../../../server/src/commissions/reconciliation/transaction-event';
import { transaction } from '../../../../simulator';

/** Button's Transactions API objects as ledger events: same validation as webhooks, ids derived from the state. */
describe('eventFromApiTransaction', () => {
  const tx = transaction({ id: 'tx-1', status: 'validated', pubRef: null, modifiedDate: '2026-11-20T10:00:00.000Z' });

  it('builds a reconciliation event the ledger records like a webhook', () => {
    const parsed = eventFromApiTransaction(tx, 'run-7');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.event).toMatchObject({
      kind: 'transaction',
      eventType: 'tx-validated',
      requestId: 'run-7',
      source: 'reconciliation',
      sanitised: false,
      transaction: { id: 'tx-1', status: 'validated' },
      body: { event_type: 'tx-validated', source: 'reconciliation', data: tx },
    });
    expect(parsed.event.id).toMatch(/^recon-[0-9a-f]{64}$/);
    expect(parsed.event.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives one id to one state (two runs reading it make one event) and another to any other state', () => {
    const id = (object: unknown) => {
      const parsed = eventFromApiTransaction(object, 'run-1');
      return parsed.ok ? parsed.event.id : null;
    };
    expect(id(tx)).toBe(id({ ...tx, amount: 999 }));
    expect(id(tx)).not.toBe(id({ ...tx, status: 'declined' }));
    expect(id(tx)).not.toBe(id({ ...tx, modified_date: '2026-11-20T10:00:01.000Z' }));
    expect(id(tx)).not.toBe(id({ ...tx, id: 'tx-2' }));
  });

  it('refuses what a webhook would be refused for, naming the field and the transaction', () => {
    expect(eventFromApiTransaction({ ...tx, modified_date: 'yesterday' }, 'run-1')).toEqual({
      ok: false,
      transactionId: 'tx-1',
      problem: 'modified_date: must be an ISO 8601 date-time',
    });
    expect(eventFromApiTransaction({ ...tx, amount: 2.5 }, 'run-1')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^amount:/),
    });
    expect(eventFromApiTransaction('not an object', 'run-1')).toEqual({
      ok: false,
      transactionId: null,
      problem: 'not an object',
    });
    expect(eventFromApiTransaction([], 'run-1')).toMatchObject({ ok: false });
  });

  it('stores what a database can hold, and says it was sanitised', () => {
    const parsed = eventFromApiTransaction({ ...tx, order_id: 'order\u0000-1' }, 'run-1');
    expect(parsed.ok && parsed.event.sanitised).toBe(true);
    expect(parsed.ok && parsed.event.transaction.order_id).toBe('order\uFFFD-1');
  });
});
