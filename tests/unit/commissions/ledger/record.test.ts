import { createHash } from 'node:crypto';
import { encodePubRef } from '../../../../server/src/pub-ref';
import { customerHash, eventRow, redactPayload, transactionRow } from '../../../../server/src/commissions/ledger/record';
import { parseWebhookBody, type WebhookEvent } from '../../../../server/src/commissions/intake/payload';

const secrets = { webhookSecret: 'whsec', pubRefSecret: 'prs', pubRefMaxAgeDays: 30 };

function event(data: Record<string, unknown>): WebhookEvent & { kind: 'transaction' } {
  const parsed = parseWebhookBody(Buffer.from(JSON.stringify({ id: 'hook-1', event_type: 'tx-pending', data })));
  if (!parsed.success || parsed.event.kind !== 'transaction') throw new Error('bad fixture');
  return parsed.event;
}

describe('ledger rows', () => {
  it('decodes the pubRef into click id, offer id and the rate shown', () => {
    const pubRef = encodePubRef({ id: 'offer-1', rate_percent: null, rate_fixed: '1.50', currency: 'USD' }, 'prs', 'u-1', {
      now: () => Date.parse('2026-03-01T09:00:00Z'),
    });
    const { row } = transactionRow(
      event({
        id: 'tx-1',
        status: 'pending',
        modified_date: '2026-03-01T10:00:00.123Z',
        pub_ref: pubRef,
        publisher_customer_id: 'u-1',
      }),
      secrets
    );
    expect(row).toMatchObject({
      transaction_id: 'tx-1',
      pub_ref: pubRef,
      pub_ref_status: 'valid',
      pub_ref_tag_valid: true,
      pub_ref_issued_at: new Date('2026-03-01T09:00:00Z'),
      pub_ref_stale: false,
      click_id: pubRef.split('~')[1],
      offer_id: 'offer-1',
      rate_kind: 'fixed',
      rate_value: '1.50',
      rate_currency: 'USD',
      modified_ms: Date.parse('2026-03-01T10:00:00.123Z'),
      last_webhook_id: 'hook-1',
    });
  });

  it('keeps a keyed hash of the customer id, never the id, in the row and both stored payloads', () => {
    const e = event({
      id: 'tx-1',
      status: 'pending',
      modified_date: '2026-03-01T10:00:00Z',
      publisher_customer_id: 'reader@example.com',
    });
    const { row } = transactionRow(e, secrets);
    expect(row.publisher_customer_hash).toBe(customerHash('reader@example.com', 'whsec'));
    expect(row.publisher_customer_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('reader@example.com');
    expect(JSON.stringify(eventRow(e, 'whsec'))).not.toContain('reader@example.com');
  });

  it('verifies the pubRef for the transaction own user only', () => {
    const pubRef = encodePubRef({ id: 'offer-1', rate_percent: '4', rate_fixed: null, currency: null }, 'prs', 'alice');
    const row = (customer?: string) =>
      transactionRow(
        event({
          id: 'tx-1',
          status: 'pending',
          modified_date: new Date().toISOString(),
          pub_ref: pubRef,
          ...(customer === undefined ? {} : { publisher_customer_id: customer }),
        }),
        secrets
      ).row;
    expect(row('alice')).toMatchObject({ pub_ref_status: 'valid', pub_ref_tag_valid: true });
    expect(row('bob')).toMatchObject({ pub_ref_status: 'invalid', pub_ref_tag_valid: false });
    expect(row()).toMatchObject({ pub_ref_status: 'unverified', pub_ref_tag_valid: false });
  });

  it('keeps the SHA-256 of the exact bytes and whether the stored copy was sanitised', () => {
    const raw = Buffer.from(
      JSON.stringify({
        id: 'hook-1',
        event_type: 'tx-pending',
        data: { id: 'tx-1', status: 'pending', modified_date: '2026-03-01T10:00:00Z', note: 'a\u0000' },
      })
    );
    const parsed = parseWebhookBody(raw);
    if (!parsed.success || parsed.event.kind !== 'transaction') throw new Error('bad fixture');
    const { row } = transactionRow(parsed.event, secrets);
    const sha = createHash('sha256').update(raw).digest('hex');
    expect(row).toMatchObject({ payload_sanitised: true, payload_sha256: sha });
    expect(eventRow(parsed.event, 'whsec')).toMatchObject({ payload_sanitised: true, payload_sha256: sha });
    expect((row.payload.data as Record<string, unknown>).note).toBe('a\uFFFD');
  });

  it('gives different hashes under different secrets (a dump plus a guess list is not enough)', () => {
    expect(customerHash('u1', 'a')).not.toBe(customerHash('u1', 'b'));
  });

  it('leaves payloads without a customer id as they are', () => {
    const body = { id: 'h', data: { id: 'tx' } };
    expect(redactPayload(body, 'whsec')).toBe(body);
  });
});
