import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createButtonSimulator, TEST_CA_PATH, transaction } from '../../simulator';

/**
 * Button's Transactions API in the simulator: it must agree with the webhooks the simulator sends, including the
 * ones it dropped on purpose, since reconciliation tests trust it to be the truth the ledger converges on.
 */
type Simulator = ReturnType<typeof createButtonSimulator>;
interface Tx {
  id: string;
  status: string;
  created_date: string;
  modified_date: string;
  [field: string]: unknown;
}
interface ListBody {
  meta: { status: string; next: string | null; previous: string | null };
  objects: Tx[];
  error?: { message: string };
}
interface Answer {
  status: number;
  body: ListBody;
}
interface Received {
  id: string;
  event_type: string;
  data: Tx;
}

const KEY = 'sim_tx_key_5d1e';
const SECRET = 'sim-tx-webhook-secret';
const PAGE_SIZE = 7;
const BASE = Date.parse('2026-03-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** A GET over HTTP or HTTPS (trusting the repo's test CA), with Button's Basic auth unless told otherwise. */
function get(url: string, authorization: string | null = basic(KEY)): Promise<Answer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const ca = target.protocol === 'https:' ? fs.readFileSync(TEST_CA_PATH) : undefined;
  return new Promise((resolve, reject) => {
    const req = client.get(target, { ca, headers: authorization ? { Authorization: authorization } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
  });
}

function transactionsUrl(sim: Simulator, query: Record<string, string>, account = 'acc-simulator-1'): string {
  return `${sim.url}/v1/affiliation/accounts/${account}/transactions?${new URLSearchParams(query)}`;
}

/** Follows meta.next until null, the way Button's clients do; every page is checked against the page size. */
async function followNext(url: string): Promise<{ objects: Tx[]; pages: ListBody[] }> {
  const pages: ListBody[] = [];
  for (let next: string | null = url; next !== null; next = pages[pages.length - 1]!.meta.next) {
    const page = await get(next);
    expect(page.status).toBe(200);
    expect(page.body.objects.length).toBeLessThanOrEqual(PAGE_SIZE);
    pages.push(page.body);
    if (pages.length > 1000) throw new Error('meta.next never ends');
  }
  return { objects: pages.flatMap((page) => page.objects), pages };
}

const byTimeThenId = (field: 'created_date' | 'modified_date') => (a: Tx, b: Tx) =>
  Date.parse(a[field]) - Date.parse(b[field]) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

let receiver: http.Server;
let hookUrl: string;
let received: Received[] = [];
const sim = createButtonSimulator({ apiKey: KEY, webhookSecret: SECRET, transactionsPageSize: PAGE_SIZE });

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  await sim.start();
});

beforeEach(() => {
  received = [];
  sim.reset();
  sim.transactions.clear();
});

afterAll(async () => {
  await sim.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

/**
 * 40 transactions, two at each start minute (so created_date ties are ordered by id), each pending then
 * validated or declined a minute later: 80 events through one sender.
 */
async function playForty(sender: ReturnType<Simulator['webhookSender']>) {
  const lives = [];
  for (let i = 0; i < 40; i += 1) {
    lives.push(
      await sender.lifecycle({
        pubRef: `b1~ref-${i}`,
        customerId: `user-${i % 5}`,
        amount: 100 + i,
        final: i % 4 === 3 ? 'declined' : 'validated',
        start: new Date(BASE + Math.floor(i / 2) * 120_000),
      })
    );
  }
  const events = lives.flatMap((life) => life.events);
  const reports = lives.flatMap((life) => life.reports);
  return { lives, events, reports, droppedAt: reports.flatMap((report, i) => (report.dropped ? [i] : [])) };
}

const WHOLE_DAY = { start: iso(BASE - 3_600_000), end: iso(BASE + 86_400_000) };

describe('simulated Button Transactions API', () => {
  it('refuses requests without the key or with a wrong one, in Button’s envelope', async () => {
    const envelope = { meta: { status: 'error' }, error: { message: 'Unauthorized' } };
    const none = await get(`${sim.url}/v1/affiliation/accounts`, null);
    expect(none).toEqual({ status: 401, body: envelope });
    const wrong = await get(transactionsUrl(sim, WHOLE_DAY), basic('not-the-key'));
    expect(wrong).toEqual({ status: 401, body: envelope });
    // Auth comes before the account: a wrong key learns nothing about which accounts exist.
    expect((await get(transactionsUrl(sim, WHOLE_DAY, 'acc-other'), basic('nope'))).status).toBe(401);
  });

  it('lists the one account in the list envelope', async () => {
    const res = await get(`${sim.url}/v1/affiliation/accounts`);
    expect(res).toEqual({
      status: 200,
      body: {
        meta: { status: 'ok', next: null, previous: null },
        objects: [{ id: 'acc-simulator-1', name: expect.any(String), currency: 'USD' }],
      },
    });
    expect(sim.stats()).toMatchObject({ accountsRequests: 1, transactionsRequests: 0, requestsReceived: 1 });
  });

  it('drops 30% of deliveries reproducibly, yet knows every transaction', async () => {
    const run = await playForty(sim.webhookSender({ url: hookUrl, retryDelaysMs: [1], drop: { ratio: 0.3, seed: 42 } }));
    const dropped = run.droppedAt.length;
    expect(dropped).toBeGreaterThan(10);
    expect(dropped).toBeLessThan(40);

    // The receiver got exactly the events not dropped, in order, and nothing was tried for the dropped ones.
    const kept = run.events.filter((_, i) => !run.droppedAt.includes(i));
    expect(received.map((event) => event.id)).toEqual(kept.map((event) => event.id));
    for (const i of run.droppedAt) expect(run.reports[i]).toMatchObject({ delivered: false, dropped: true, attempts: [] });
    expect(sim.stats()).toMatchObject({ webhooksDropped: dropped, webhooksSent: 80 - dropped, transactionsStored: 40 });

    // Button's record holds every transaction in its final state, exactly as its last webhook carries it.
    expect(sim.transactions.size).toBe(40);
    for (const life of run.lives) {
      expect(sim.transactions.get(life.transactionId)).toEqual(life.events[life.events.length - 1]!.data);
    }

    // The same seed loses the same deliveries; another seed loses others.
    sim.transactions.clear();
    const again = await playForty(sim.webhookSender({ url: hookUrl, retryDelaysMs: [1], drop: { ratio: 0.3, seed: 42 } }));
    expect(again.droppedAt).toEqual(run.droppedAt);
    const other = await playForty(sim.webhookSender({ url: hookUrl, retryDelaysMs: [1], drop: { ratio: 0.3, seed: 7 } }));
    expect(other.droppedAt).not.toEqual(run.droppedAt);
  });

  it('drops what a predicate chooses, and counts it in the sender’s stats', async () => {
    const sender = sim.webhookSender({ url: hookUrl, drop: (event) => event.event_type === 'tx-validated' });
    const life = await sender.lifecycle({ pubRef: 'b1~p', final: 'validated' });
    expect(received.map((event) => event.event_type)).toEqual(['tx-pending']);
    expect(sender.stats()).toMatchObject({ attempts: 1, acknowledged: 1, dropped: 1 });
    expect(sim.transactions.get(life.transactionId)).toMatchObject({ status: 'validated' });
  });

  it('pages through a window with meta.next, every transaction once, in order, and back with meta.previous', async () => {
    const run = await playForty(sim.webhookSender({ url: hookUrl, retryDelaysMs: [1], drop: { ratio: 0.3, seed: 42 } }));
    const first = transactionsUrl(sim, WHOLE_DAY);
    const { objects, pages } = await followNext(first);

    expect(pages).toHaveLength(Math.ceil(40 / PAGE_SIZE));
    expect(objects.map((tx) => tx.id)).toEqual([...objects].sort(byTimeThenId('created_date')).map((tx) => tx.id));
    expect(new Set(objects.map((tx) => tx.id)).size).toBe(40);
    // The objects are the transactions as webhooks carry them in `data`, dropped or not.
    const finals = new Map(run.lives.map((life) => [life.transactionId, life.events[life.events.length - 1]!.data]));
    for (const tx of objects) expect(tx).toEqual(finals.get(tx.id));
    expect(objects.every((tx) => Number.isInteger(tx.amount) && Number.isInteger(tx.order_total))).toBe(true);

    // Links are absolute, back to where the request came, keeping the query and adding only the cursor.
    expect(pages[0]!.meta.previous).toBeNull();
    const next = new URL(pages[0]!.meta.next!);
    expect(`${next.origin}${next.pathname}`).toBe(first.split('?')[0]);
    expect(Object.fromEntries(next.searchParams)).toEqual({
      ...WHOLE_DAY,
      time_field: 'created_date',
      cursor: expect.any(String),
    });

    // meta.previous walks the same pages backwards.
    const backwards: ListBody[] = [pages[pages.length - 1]!];
    while (backwards[0]!.meta.previous !== null) backwards.unshift((await get(backwards[0]!.meta.previous)).body);
    expect(backwards.map((page) => page.objects.map((tx) => tx.id))).toEqual(
      pages.map((page) => page.objects.map((tx) => tx.id))
    );
    expect(sim.stats().transactionsRequests).toBe(pages.length * 2 - 1);
  });

  it('windows by created_date or modified_date, so a state change shows up in a later modified_date window', async () => {
    const sender = sim.webhookSender({ url: hookUrl });
    const life = await sender.lifecycle({ pubRef: 'b1~w', final: 'validated', start: new Date(BASE) });
    const ids = async (start: number, end: number, timeField?: string) => {
      const query = { start: iso(start), end: iso(end), ...(timeField ? { time_field: timeField } : {}) };
      const res = await get(transactionsUrl(sim, query));
      expect(res.status).toBe(200);
      return res.body.objects.map((tx) => `${tx.id}:${tx.status}`);
    };
    const validated = [`${life.transactionId}:validated`];
    // Created at BASE, validated (modified) at BASE + 60 s. Button's default time_field is created_date.
    expect(await ids(BASE, BASE + 30_000)).toEqual(validated);
    expect(await ids(BASE, BASE + 30_000, 'modified_date')).toEqual([]);
    expect(await ids(BASE + 30_000, BASE + 90_000, 'created_date')).toEqual([]);
    expect(await ids(BASE + 30_000, BASE + 90_000, 'modified_date')).toEqual(validated);
    // [start, end): the end is excluded, the start included.
    expect(await ids(BASE, BASE + 60_000, 'modified_date')).toEqual([]);
    expect(await ids(BASE + 60_000, BASE + 61_000, 'modified_date')).toEqual(validated);
  });

  it('answers 400 for a missing or bad start, end, time_field or cursor, and 404 for an unknown account', async () => {
    sim.transactions.put(transaction({ pubRef: null, modifiedDate: iso(BASE) }));
    for (let i = 0; i < PAGE_SIZE; i += 1) sim.transactions.put(transaction({ pubRef: null, modifiedDate: iso(BASE + i) }));
    const { meta } = (await get(transactionsUrl(sim, WHOLE_DAY))).body;
    const cursor = new URL(meta.next!).searchParams.get('cursor')!;
    const tampered = `${cursor.slice(0, 3)}${cursor[3] === 'A' ? 'B' : 'A'}${cursor.slice(4)}`;
    const otherWindow = { start: WHOLE_DAY.start, end: iso(BASE + 3_600_000) };

    const bad: Array<Record<string, string>> = [
      { end: WHOLE_DAY.end },
      { start: WHOLE_DAY.start },
      { start: 'yesterday', end: WHOLE_DAY.end },
      { start: WHOLE_DAY.start, end: '2026-13-45T00:00:00Z' },
      { start: WHOLE_DAY.end, end: WHOLE_DAY.start },
      { ...WHOLE_DAY, time_field: 'validated_date' },
      { ...WHOLE_DAY, cursor: 'abc' },
      { ...WHOLE_DAY, cursor: tampered },
      { ...WHOLE_DAY, time_field: 'modified_date', cursor }, // issued for another query
      { ...otherWindow, cursor },
    ];
    for (const query of bad) {
      const res = await get(transactionsUrl(sim, query));
      expect([query, res.status, res.body.meta.status]).toEqual([query, 400, 'error']);
      expect(res.body.error!.message).toEqual(expect.any(String));
    }
    expect((await get(transactionsUrl(sim, { ...WHOLE_DAY, cursor }))).status).toBe(200);

    const unknown = await get(transactionsUrl(sim, WHOLE_DAY, 'acc-someone-else'));
    expect(unknown).toEqual({ status: 404, body: { meta: { status: 'error' }, error: { message: 'Account not found' } } });
    expect((await get(transactionsUrl(sim, WHOLE_DAY, '%E0%A4%A'))).status).toBe(404);
  });

  it('meets fault rules aimed at its route only, then recovers', async () => {
    const put = (settings: unknown) => fetch(`${sim.url}/__simulator/faults`, { method: 'PUT', body: JSON.stringify(settings) });
    expect((await put({ rules: [{ kind: 'status', status: 503, route: 'nowhere' }] })).status).toBe(400);
    expect(
      (await put({ rules: [{ kind: 'status', status: 503, retryAfter: '1', times: 2, route: 'transactions' }] })).status
    ).toBe(200);
    const offers = await fetch(`${sim.url}/v1/offers`, {
      method: 'POST',
      headers: { Authorization: basic(KEY), 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 'user-1' }),
    });
    expect(offers.status).toBe(200);
    expect((await get(`${sim.url}/v1/affiliation/accounts`)).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(transactionsUrl(sim, WHOLE_DAY))).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.stats()).toMatchObject({ faultsFired: { status: 2 }, transactionsRequests: 3, offersServed: 1 });

    // A rule without a route keeps meaning the Offers API, as before routes existed.
    sim.faults.set({ rules: [{ kind: 'status', status: 500 }] });
    expect((await get(transactionsUrl(sim, WHOLE_DAY))).status).toBe(200);
    sim.faults.set({ rules: [{ kind: 'malformed', times: 1, route: 'any' }] });
    const malformed = await fetch(`${sim.url}/v1/affiliation/accounts`, { headers: { Authorization: basic(KEY) } });
    expect(malformed.status).toBe(200);
    expect(await malformed.text()).toMatch(/^\{"meta": \{"status": "ok", "next": null, "previous": null\}, "objects": \[$/);
  });

  it('plays, drops and clears over its control endpoints', async () => {
    const post = (body: unknown) => fetch(`${sim.url}/__simulator/webhooks`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ url: hookUrl, pub_ref: 'b1~c', drop_ratio: 2 })).status).toBe(400);
    const res = await post({ url: hookUrl, pub_ref: 'b1~c', drop_ratio: 1, drop_seed: 3 });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { transaction_id: string };
    expect(report).toMatchObject({ dropped: 2, reports: [{ dropped: true }, { dropped: true }] });
    expect(received).toEqual([]);

    const listed = await (await fetch(`${sim.url}/__simulator/transactions`)).json();
    expect(listed).toMatchObject({ size: 1, objects: [{ id: report.transaction_id, status: 'validated' }] });
    expect(sim.stats()).toMatchObject({ webhooksDropped: 2, webhooksSent: 0 });
    const cleared = await fetch(`${sim.url}/__simulator/transactions`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ cleared: 1, size: 0 });
    expect(sim.transactions.size).toBe(0);
  });
});

describe('simulated Button Transactions API over HTTPS', () => {
  const secure = createButtonSimulator({ apiKey: KEY, tls: true, transactionsPageSize: PAGE_SIZE });
  beforeAll(() => secure.start());
  afterAll(() => secure.stop());

  it('serves pages whose links stay on https', async () => {
    for (let i = 0; i < 10; i += 1) secure.transactions.put(transaction({ pubRef: null, modifiedDate: iso(BASE + i * 1000) }));
    const first = transactionsUrl(secure, { ...WHOLE_DAY, time_field: 'modified_date' });
    expect(first.startsWith('https://')).toBe(true);
    const { objects, pages } = await followNext(first);
    expect(pages.map((page) => page.objects.length)).toEqual([7, 3]);
    expect(objects.map((tx) => tx.id)).toEqual(secure.transactions.list({ timeField: 'modified_date' }).map((tx) => tx.id));
    expect(pages[0]!.meta.next!.startsWith(`${secure.url}/v1/affiliation/accounts/acc-simulator-1/transactions?`)).toBe(true);
    expect(pages[1]!.meta.previous!.startsWith('https://')).toBe(true);
  });
});
