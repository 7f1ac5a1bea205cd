import { handleWebhook, type WebhookDeps } from '../../../../server/src/commissions/intake/handle';
import { signWebhookBody } from '../../../../server/src/commissions/intake/signature';

const SECRET = 'whsec-unit';
const body = Buffer.from(
  JSON.stringify({
    id: 'hook-1',
    event_type: 'tx-validated',
    data: { id: 'tx-1', status: 'validated', modified_date: '2026-03-01T10:00:00Z' },
  })
);

function deps(overrides: Partial<WebhookDeps> = {}): WebhookDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    webhookSecret: SECRET,
    record: jest.fn(async () => 'applied' as const),
    log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
    lines,
    ...overrides,
  };
}

describe('handleWebhook', () => {
  it('stores a signed event and answers 200 with the outcome', async () => {
    const d = deps();
    const answer = await handleWebhook(body, signWebhookBody(body, SECRET), d);
    expect(answer).toEqual({
      status: 200,
      body: { data: { event_id: 'hook-1', event_type: 'tx-validated', transaction_id: 'tx-1', outcome: 'applied' } },
    });
    expect(d.record).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'no secret configured: 503, so Button retries once it is set',
      { webhookSecret: undefined },
      signWebhookBody(body, SECRET),
      503,
    ],
    ['a bad signature: 401', {}, signWebhookBody(body, 'wrong'), 401],
    ['no signature: 401', {}, undefined, 401],
  ])('%s, and nothing is recorded', async (_label, overrides, signature, status) => {
    const d = deps(overrides);
    const answer = await handleWebhook(body, signature, d);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ data: null, error: { status } });
    expect(d.record).not.toHaveBeenCalled();
  });

  it('answers 500 when storage fails, logging the error class and code but not its message', async () => {
    const failure = Object.assign(new Error('insert into ... values (secret stuff)'), { code: '08006' });
    const d = deps({ record: jest.fn(async () => Promise.reject(failure)) });
    const answer = await handleWebhook(body, signWebhookBody(body, SECRET), d);
    expect(answer).toMatchObject({ status: 500, body: { data: null, error: { status: 500, name: 'InternalServerError' } } });
    expect(d.lines.join('\n')).toContain('Error 08006');
    expect(d.lines.join('\n')).not.toContain('secret stuff');
  });

  it('never logs the secret', async () => {
    const d = deps();
    await handleWebhook(body, 'f'.repeat(64), d);
    await handleWebhook(Buffer.from('{'), signWebhookBody(Buffer.from('{'), SECRET), d);
    expect(d.lines.join('\n')).not.toContain(SECRET);
  });
});
