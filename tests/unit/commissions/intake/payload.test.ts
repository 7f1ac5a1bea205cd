import { parseWebhookBody } from '../../../../server/src/commissions/intake/payload';

const tx = {
  id: 'tx-1',
  status: 'pending',
  amount: 250,
  currency: 'USD',
  pub_ref: 'b1~x',
  modified_date: '2026-03-01T10:00:00Z',
  some_new_field: { added: 'by Button later' },
};
const parse = (value: unknown) => parseWebhookBody(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe('parseWebhookBody', () => {
  it('reads a transaction event and keeps unknown fields in the body', () => {
    const result = parse({ id: 'hook-1', event_type: 'tx-pending', request_id: 'attempt-1', data: tx });
    expect(result).toMatchObject({
      success: true,
      event: {
        kind: 'transaction',
        id: 'hook-1',
        eventType: 'tx-pending',
        requestId: 'attempt-1',
        transaction: { id: 'tx-1', status: 'pending', some_new_field: { added: 'by Button later' } },
      },
    });
  });

  it('refuses ids the ledger keys on unless they are printable ASCII (MariaDB collations, PostgreSQL NUL)', () => {
    for (const id of ['hook-\u0000', 'hook 1', 'hook-1 ', 'hook-é', 'hook-\u0007'])
      expect(parse({ id, event_type: 'tx-pending', data: tx })).toMatchObject({ success: false });
    for (const id of ['tx-\u0000', 'tx 1', 'tx-ü'])
      expect(parse({ id: 'hook-1', event_type: 'tx-pending', data: { ...tx, id } })).toMatchObject({ success: false });
  });

  it.each(['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59-05:00'])(
    'refuses a modified_date no database column holds (%s)',
    (date) => {
      expect(parse({ id: 'h', event_type: 'tx-pending', data: { ...tx, modified_date: date } })).toMatchObject({
        success: false,
      });
    }
  );

  it('validates the sanitised copy: a NUL in a column string becomes U+FFFD', () => {
    const result = parse({ id: 'hook-1', event_type: 'tx-pending', data: { ...tx, category: 'new\u0000user' } });
    expect(result).toMatchObject({ success: true, event: { sanitised: true, transaction: { category: 'new\uFFFDuser' } } });
  });

  it('parses and sanitises a body nested 120,000 levels deep (within the 256 KiB limit) without overflowing', () => {
    const levels = 120_000;
    const body = `{"id":"hook-1","event_type":"tx-pending","data":{"id":"tx-1","status":"pending","modified_date":"2026-03-01T10:00:00Z","x":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
    expect(body.length).toBeLessThan(256 * 1024);
    const result = parse(body);
    expect(result).toMatchObject({ success: true, event: { sanitised: true } });
    if (result.success) expect(JSON.stringify(result.event.body).length).toBeLessThan(500);
  });

  it('accepts an unknown event type without looking at its data', () => {
    expect(parse({ id: 'hook-2', event_type: 'merchant-updated', data: 'anything' })).toMatchObject({
      success: true,
      event: { kind: 'unknown', eventType: 'merchant-updated' },
    });
  });

  it.each([
    ['not JSON', '{', 'The body is not valid JSON', []],
    ['an array', [], 'The body must be a JSON object', []],
    ['null', 'null', 'The body must be a JSON object', []],
    ['no id', { event_type: 'tx-pending', data: tx }, 'Invalid webhook event', [['id']]],
    [
      'an unknown status',
      { id: 'h', event_type: 'tx-pending', data: { ...tx, status: 'paid' } },
      'Invalid webhook event',
      [['data', 'status']],
    ],
    [
      'money as a string',
      { id: 'h', event_type: 'tx-pending', data: { ...tx, amount: '2.50' } },
      'Invalid webhook event',
      [['data', 'amount']],
    ],
    [
      'money with decimals',
      { id: 'h', event_type: 'tx-pending', data: { ...tx, amount: 2.5 } },
      'Invalid webhook event',
      [['data', 'amount']],
    ],
    [
      'no modified_date',
      { id: 'h', event_type: 'tx-validated', data: { ...tx, modified_date: undefined } },
      'Invalid webhook event',
      [['data', 'modified_date']],
    ],
    [
      'a bad date',
      { id: 'h', event_type: 'tx-validated', data: { ...tx, modified_date: 'yesterday' } },
      'Invalid webhook event',
      [['data', 'modified_date']],
    ],
  ])('refuses %s, naming the field and never its value', (_label, body, message, paths) => {
    const result = parse(body);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.message).toBe(message);
    expect(result.issues.map((issue) => issue.path)).toEqual(paths);
    expect(JSON.stringify(result.issues)).not.toContain('2.50');
  });
});
