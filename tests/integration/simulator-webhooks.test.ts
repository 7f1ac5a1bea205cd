import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookSender, signBody, transaction, webhookEvent } from '../../simulator';

/** The simulator's webhook sender against a plain receiver on a real socket: Button's delivery rules. */
interface Received {
  body: string;
  signature: string | undefined;
  userAgent: string | undefined;
}

const SECRET = 'sim-webhook-secret';
let server: http.Server;
let url: string;
let received: Received[] = [];
let script: number[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: req.headers['x-button-signature'] as string | undefined,
        userAgent: req.headers['user-agent'],
      });
      res.writeHead(script.shift() ?? 200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

beforeEach(() => {
  received = [];
  script = [];
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const sender = () => createWebhookSender({ url, secret: SECRET, retryDelaysMs: [1, 1, 1] });
const event = () => webhookEvent('tx-pending', transaction({ pubRef: 'b1~x' }));

describe('simulated Button webhooks', () => {
  it('signs the exact bytes it sends, with a new request_id per attempt, retrying until a 2xx', async () => {
    script = [503, 500, 200];
    const report = await sender().deliver(event());
    expect(report.delivered).toBe(true);
    expect(report.attempts.map((attempt) => attempt.status)).toEqual([503, 500, 200]);
    expect(new Set(received.map((r) => JSON.parse(r.body).request_id)).size).toBe(3);
    for (const r of received) expect(r.signature).toBe(signBody(r.body, SECRET));
    expect(received[0]!.userAgent).toMatch(/^Button Webhooks /);
  });

  it('treats 400 as permanent and gives up after its retries otherwise', async () => {
    script = [400];
    expect((await sender().deliver(event())).attempts).toHaveLength(1);
    script = [401, 401, 401, 401];
    const report = await sender().deliver(event());
    expect(report).toMatchObject({ delivered: false });
    expect(report.attempts).toHaveLength(4);
  });

  it('sends bad, missing and tampered signatures on demand', async () => {
    await sender().deliver(event(), { signature: 'bad' });
    await sender().deliver(event(), { signature: 'missing' });
    await sender().deliver(event(), { tamper: true });
    expect(received[0]!.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(received[0]!.signature).not.toBe(signBody(received[0]!.body, SECRET));
    expect(received[1]!.signature).toBeUndefined();
    expect(received[2]!.signature).not.toBe(signBody(received[2]!.body, SECRET));
  });

  it('plays a lifecycle in order, reversed, and with duplicates', async () => {
    const inOrder = await sender().lifecycle({ pubRef: 'b1~x', final: 'declined', duplicates: 1 });
    expect(received.map((r) => JSON.parse(r.body).event_type)).toEqual([
      'tx-pending',
      'tx-pending',
      'tx-declined',
      'tx-declined',
    ]);
    expect(new Set(received.map((r) => JSON.parse(r.body).id)).size).toBe(2);
    expect(inOrder.events.map((e) => e.data.modified_date as string).sort()).toEqual(
      inOrder.events.map((e) => e.data.modified_date as string)
    );
    received = [];
    await sender().lifecycle({ pubRef: 'b1~x', final: 'validated', order: 'reversed' });
    expect(received.map((r) => JSON.parse(r.body).event_type)).toEqual(['tx-validated', 'tx-pending']);
  });
});
