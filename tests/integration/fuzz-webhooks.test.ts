import type { AddressInfo } from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { encodePubRef } from '../../server/src/pub-ref';
import { storableText } from '../../server/src/commissions/intake/sanitise';
import type { DatabaseClient } from '../helpers/databases';
import { heapUsedAfterGc, MB } from '../helpers/heap';
import { PUBREF_SECRET, signBody, TRANSACTION_UID, WEBHOOK_EVENT_UID, WEBHOOK_PATH, WEBHOOK_SECRET } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';

/**
 * Fuzzing the webhook endpoint over real HTTP, on SQLite, PostgreSQL and MariaDB: FUZZ_REQUESTS (2,000) seeded
 * requests per database, a mix of validly signed Button events (random transactions, statuses and dates, NULs,
 * deep nesting, unicode, huge numbers, extra fields, pubRefs of every kind), exact redeliveries, bad and missing
 * signatures, wrong methods, signed bodies that are not usable (400), and odd encodings.
 *
 * Asserted per database: no 5xx at all (the only documented 5xx without a database failure is the 503 of a
 * missing secret, and the secret is set); every validly signed, usable event answered 200 and in the event log
 * exactly once; nothing refused left a row; every transaction row is exactly what its last applied event says,
 * with its conflicts counted (no partial writes); and Strapi's heap after the run is within HEAP_BOUND of the
 * heap before it. No timing assertions. Replay with FUZZ_SEED=<printed seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);
const CONCURRENCY = 4;
const TRANSACTIONS = 300;
/**
 * Measured (see the report printed by this suite): growth after the 2,000 requests stays within a few MB on each
 * database once warmed up (query-builder caches, JIT); a leak of the request bodies alone (~20 MB) or of one
 * closure per request would cross it.
 */
const HEAP_BOUND = 16 * MB;
const INSTANTS = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2026, 10, 20, 10 + i)).toISOString());
const OFFER = { id: 'offer-3a1f0c9e-fuzz', rate_percent: '5.5', rate_fixed: null, currency: null };
const STATUSES = ['pending', 'validated', 'declined'] as const;
/** A genuine 0.1.0 (b1) pubRef under the suite's secret: signed without a user id. */
const LEGACY_B1 = (() => {
  const signed = 'b1~AAAAAAAAAAAA~p5.5~offer-3a1f0c9e-fuzz';
  const tag = createHmac('sha256', PUBREF_SECRET).update(signed).digest('base64url').slice(0, 12);
  return `b1~AAAAAAAAAAAA~${tag}~p5.5~offer-3a1f0c9e-fuzz`;
})();
type Status = (typeof STATUSES)[number];

console.log(`fuzz-webhooks: seed ${SEED}, ${REQUESTS} requests per database (FUZZ_SEED / FUZZ_REQUESTS to change)`);

// ---- Recipes: what fast-check generates; turned into exact requests below. ----

const extraKind = fc.constantFrom(
  'nul-value',
  'nul-key',
  'lone-surrogate',
  'emoji',
  'deep-20',
  'deep-40',
  'deep-300',
  'deep-5000',
  'huge-number',
  'infinite-number',
  'proto-key',
  'long-string',
  'control-chars',
  'nested-extra'
);
const txRecipe = fc.record({
  tx: fc.nat(TRANSACTIONS - 1),
  status: fc.constantFrom(...STATUSES),
  instant: fc.nat(INSTANTS.length - 1),
  pubRef: fc.constantFrom('own', 'own', 'own', 'other-user', 'legacy-b1', 'foreign', 'absent', 'with-nul', 'tampered'),
  customer: fc.constantFrom('present', 'present', 'present', 'absent'),
  amount: fc.oneof(fc.integer({ min: -1000, max: 100_000 }), fc.constantFrom(0, -2_147_483_648, 2_147_483_647, null)),
  category: fc.constantFrom('new-user-order', 'app-install', 'new\u0000user', 'café-☕', null),
  extras: fc.array(extraKind, { maxLength: 3 }),
  unicode: fc.string({ unit: 'binary', maxLength: 20 }),
});
const recipe = fc.oneof(
  { weight: 55, arbitrary: fc.record({ kind: fc.constant('event' as const), tx: txRecipe }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('unknown-type' as const), type: fc.string({ minLength: 1, maxLength: 30 }) }),
  },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('bad-signature' as const),
      how: fc.constantFrom('wrong-key', 'missing', 'truncated', 'uppercase', 'two-headers', 'empty', 'of-other-body', 'tampered'),
      tx: txRecipe,
    }),
  },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('unusable' as const),
      how: fc.constantFrom(
        'not-json',
        'truncated-json',
        'array',
        'null',
        'empty-body',
        'amount-decimal',
        'amount-string',
        'bad-status',
        'bad-date',
        'year-zero',
        'no-modified-date',
        'event-id-nul',
        'event-id-space',
        'tx-id-unicode',
        'data-not-object'
      ),
      tx: txRecipe,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('method' as const),
      method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('encoding' as const),
      how: fc.constantFrom('utf8-bom', 'utf16le', 'invalid-utf8-in-string', 'text-plain', 'no-content-type', 'gzip-header'),
      tx: txRecipe,
    }),
  }
);
type Recipe = typeof recipe extends fc.Arbitrary<infer R> ? R : never;
type TxRecipe = typeof txRecipe extends fc.Arbitrary<infer R> ? R : never;

/** What the ledger should hold for one event (the strings as the database can store them). */
interface Expected {
  eventId: string;
  txId: string;
  status: Status;
  modifiedMs: number;
  amount: number | null;
  category: string | null;
  pubRef: string | null;
  pubRefStatus: string;
  sha256: string;
}

interface Planned {
  label: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The status the endpoint must answer. */
  status: number;
  /** Event ids this request carries that must NOT be stored (refused requests). */
  mustNotStore?: string;
  /** A validly signed, usable transaction event: must be stored exactly once. */
  expected?: Expected;
  /** A validly signed unknown event type: must be logged once as ignored. */
  ignoredEventId?: string;
}

function deepText(levels: number): string {
  return `${'{"d":['.repeat(Math.ceil(levels / 2))}"bottom"${']}'.repeat(Math.ceil(levels / 2))}`;
}

/** Turns the generated recipes into exact requests, deterministically. */
function plan(recipes: Recipe[], runId: string): Planned[] {
  const planned: Planned[] = [];
  const valid: Planned[] = [];
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}-${runId}-${(counter += 1).toString(36)}`;
  const customerOf = (tx: number) => `cust-${runId}-${tx}`;

  /** A Button event as text, with markers replaced by raw JSON that JSON.stringify cannot produce. */
  const buildEvent = (r: TxRecipe, eventId = nextId('hook')) => {
    const txId = `tx-${runId}-${r.tx}`;
    const customer = customerOf(r.tx);
    const issue = (user: string) => encodePubRef(OFFER, PUBREF_SECRET, user);
    const pubRef = {
      own: issue(customer),
      'other-user': issue(`${customer}-other`),
      'legacy-b1': LEGACY_B1,
      foreign: `my-own-ref-${r.tx}`,
      absent: null,
      'with-nul': `${issue(customer)}\u0000`,
      tampered: issue(customer).replace('~p5.5~', '~p9.5~'),
    }[r.pubRef];
    const hasCustomer = r.customer === 'present';
    const pubRefStatus = {
      own: hasCustomer ? 'valid' : 'unverified',
      'other-user': hasCustomer ? 'invalid' : 'unverified',
      'legacy-b1': 'unbound', // genuine 0.1.0 pubRef: never valid, whoever carries it
      foreign: 'unreadable',
      absent: 'absent',
      'with-nul': 'unreadable',
      tampered: hasCustomer ? 'invalid' : 'unverified',
    }[r.pubRef];
    const data: Record<string, unknown> = {
      id: txId,
      status: r.status,
      category: r.category,
      amount: r.amount,
      currency: 'USD',
      order_total: 5000,
      order_currency: 'USD',
      pub_ref: pubRef,
      ...(hasCustomer ? { publisher_customer_id: customer } : {}),
      button_order_id: `btnorder-${r.tx}`,
      order_id: `order-${r.unicode}`,
      commerce_organization: 'org-3a1f0c9e2b7d4e51',
      created_date: INSTANTS[0],
      modified_date: INSTANTS[r.instant],
      validated_date: r.status === 'validated' ? INSTANTS[r.instant] : null,
      note: r.unicode,
    };
    const raw: Record<string, string> = {};
    r.extras.forEach((extra, i) => {
      const key = `x${i}`;
      const marker = (text: string) => {
        raw[`"__raw_${key}__"`] = text;
        data[key] = `__raw_${key}__`;
      };
      if (extra === 'nul-value') data[key] = `a\u0000b`;
      if (extra === 'nul-key') data[`k\u0000${i}`] = 1;
      if (extra === 'lone-surrogate') data[key] = `a\ud800b\udc00`;
      if (extra === 'emoji') data[key] = '😀 Ünïcödé 漢字';
      if (extra === 'deep-20') marker(deepText(20));
      if (extra === 'deep-40') marker(deepText(40));
      if (extra === 'deep-300') marker(deepText(300));
      if (extra === 'deep-5000') marker(deepText(5000));
      if (extra === 'huge-number') marker('123456789012345678901234567890123456789');
      if (extra === 'infinite-number') marker('-1e999');
      if (extra === 'proto-key') marker('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}');
      if (extra === 'long-string') data[key] = 'z'.repeat(20_000);
      if (extra === 'control-chars') data[key] = '\u0001\u0007\u001b[31m\u007f';
      if (extra === 'nested-extra') data[key] = { a: [1, { b: null, c: [true, 'x'] }], d: {} };
    });
    const template = JSON.stringify({ id: eventId, event_type: `tx-${r.status}`, request_id: nextId('attempt'), data });
    let text = template;
    for (const [markerText, replacement] of Object.entries(raw)) text = text.replace(markerText, replacement);
    const body = Buffer.from(text, 'utf8');
    const expected: Expected = {
      eventId,
      txId,
      status: r.status,
      modifiedMs: Date.parse(INSTANTS[r.instant] as string),
      amount: r.amount,
      category: r.category === null ? null : storableText(r.category),
      pubRef: pubRef === null ? null : storableText(pubRef),
      pubRefStatus,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    return { body, expected, eventId, text, template };
  };
  const signed = (body: Buffer, contentType = 'application/json') => ({
    'Content-Type': contentType,
    'X-Button-Signature': signBody(body, WEBHOOK_SECRET),
  });

  for (const r of recipes) {
    if (r.kind === 'event') {
      const { body, expected } = buildEvent(r.tx);
      const request: Planned = { label: 'event', method: 'POST', headers: signed(body), body, status: 200, expected };
      planned.push(request);
      valid.push(request);
    } else if (r.kind === 'redeliver') {
      const original = valid.length === 0 ? undefined : valid[r.pick % valid.length];
      if (original) planned.push({ ...original, label: 'redeliver' });
    } else if (r.kind === 'unknown-type') {
      const eventId = nextId('hook');
      const type = r.type.startsWith('tx-') ? `x${r.type}` : r.type;
      const body = Buffer.from(JSON.stringify({ id: eventId, event_type: type, data: { anything: [1, 'two'] } }));
      planned.push({ label: 'unknown-type', method: 'POST', headers: signed(body), body, status: 200, ignoredEventId: eventId });
    } else if (r.kind === 'bad-signature') {
      const { body, eventId } = buildEvent(r.tx);
      const good = signBody(body, WEBHOOK_SECRET);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      let sent = body;
      if (r.how === 'wrong-key') headers['X-Button-Signature'] = signBody(body, `${WEBHOOK_SECRET}-old`);
      if (r.how === 'truncated') headers['X-Button-Signature'] = good.slice(0, 63);
      if (r.how === 'uppercase') headers['X-Button-Signature'] = good.toUpperCase();
      if (r.how === 'two-headers') headers['X-Button-Signature'] = `${good}, ${good}`;
      if (r.how === 'empty') headers['X-Button-Signature'] = '';
      if (r.how === 'of-other-body') headers['X-Button-Signature'] = signBody('{}', WEBHOOK_SECRET);
      if (r.how === 'tampered') {
        headers['X-Button-Signature'] = good;
        sent = Buffer.from(body.toString('utf8').replace('"currency":"USD"', '"currency":"EUR"'));
      }
      planned.push({ label: `bad-signature:${r.how}`, method: 'POST', headers, body: sent, status: 401, mustNotStore: eventId });
    } else if (r.kind === 'unusable') {
      const { text, template, eventId } = buildEvent(r.tx);
      const event = JSON.parse(template) as { id: string; data: Record<string, unknown> };
      const mutated = (change: (e: typeof event) => void) => {
        change(event);
        return JSON.stringify(event);
      };
      const body = Buffer.from(
        {
          'not-json': () => 'this is not JSON',
          'truncated-json': () => text.slice(0, Math.max(1, Math.floor(text.length / 2))),
          array: () => JSON.stringify([event]),
          null: () => 'null',
          'empty-body': () => '',
          'amount-decimal': () => mutated((e) => (e.data.amount = 2.5)),
          'amount-string': () => mutated((e) => (e.data.amount = '250')),
          'bad-status': () => mutated((e) => (e.data.status = 'paid')),
          'bad-date': () => mutated((e) => (e.data.modified_date = 'yesterday')),
          'year-zero': () => mutated((e) => (e.data.modified_date = '0000-01-01T00:00:00Z')),
          'no-modified-date': () => mutated((e) => delete e.data.modified_date),
          'event-id-nul': () => mutated((e) => (e.id = `${e.id}\u0000`)),
          'event-id-space': () => mutated((e) => (e.id = `${e.id} `)),
          'tx-id-unicode': () => mutated((e) => (e.data.id = `${String(e.data.id)}-é`)),
          'data-not-object': () => mutated((e) => ((e as Record<string, unknown>).data = 'tx')),
        }[r.how](),
        'utf8'
      );
      planned.push({
        label: `unusable:${r.how}`,
        method: 'POST',
        headers: signed(body),
        body,
        status: 400,
        mustNotStore: eventId,
      });
    } else if (r.kind === 'method') {
      planned.push({ label: `method:${r.method}`, method: r.method, headers: {}, status: 405 });
    } else {
      const { body, expected, eventId, text } = buildEvent(r.tx);
      if (r.how === 'utf8-bom' || r.how === 'utf16le') {
        const odd =
          r.how === 'utf16le' ? Buffer.from(`\uFEFF${text}`, 'utf16le') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
        planned.push({
          label: `encoding:${r.how}`,
          method: 'POST',
          headers: signed(odd),
          body: odd,
          status: 400,
          mustNotStore: eventId,
        });
        continue;
      }
      let sent = body;
      let exp = expected;
      if (r.how === 'invalid-utf8-in-string') {
        // Bytes that are not UTF-8 inside a string value: read as U+FFFD, the event stays usable.
        const at = body.indexOf('"note":"') + 8;
        sent = Buffer.concat([body.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3]), body.subarray(at)]);
        exp = { ...expected, sha256: createHash('sha256').update(sent).digest('hex') };
      }
      const contentType = { 'text-plain': 'text/plain', 'no-content-type': '', 'gzip-header': 'application/json' }[
        r.how as 'text-plain'
      ];
      const headers = signed(sent, contentType ?? 'application/json');
      if (r.how === 'no-content-type') delete (headers as Record<string, string>)['Content-Type'];
      if (r.how === 'gzip-header') (headers as Record<string, string>)['Content-Encoding'] = 'gzip';
      const request: Planned = { label: `encoding:${r.how}`, method: 'POST', headers, body: sent, status: 200, expected: exp };
      planned.push(request);
      valid.push(request);
    }
  }
  return planned;
}

interface Answer {
  status: number;
  outcome?: string;
}

async function send(url: string, request: Planned): Promise<Answer> {
  const res = await fetch(url, { method: request.method, headers: request.headers, body: request.body });
  const text = await res.text();
  let outcome: string | undefined;
  try {
    outcome = (JSON.parse(text) as { data?: { outcome?: string } }).data?.outcome;
  } catch {
    outcome = undefined;
  }
  return { status: res.status, outcome };
}

async function runAll(url: string, requests: Planned[]): Promise<Answer[]> {
  const answers: Answer[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next;
      next += 1;
      answers[index] = await send(url, requests[index] as Planned);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('webhook fuzz on %s', (client) => {
  let app: Playground;
  let url: string;

  beforeAll(async () => {
    app = await startPlayground({ BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET, BUTTON_PUBREF_SECRET: PUBREF_SECRET }, client);
    await new Promise<void>((resolve) => app.strapi.server.httpServer.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(app.strapi.server.httpServer.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  });

  afterAll(async () => {
    await app?.stop();
  });

  it(`answers ${REQUESTS} seeded requests without a 5xx, stores exactly the valid events, and leaks no heap`, async () => {
    const runId = createHmac('sha256', String(SEED)).update(client).digest('hex').slice(0, 6);
    const [recipes] = fc.sample(fc.array(recipe, { minLength: REQUESTS, maxLength: REQUESTS }), { seed: SEED, numRuns: 1 });
    const requests = plan(recipes as Recipe[], runId);
    const started = Date.now();

    // Warm-up (JIT, query caches, pools) on its own ids, then the measured run.
    const warmup = plan(fc.sample(recipe, { seed: SEED + 1, numRuns: 100 }) as Recipe[], `${runId}w`);
    await runAll(url, warmup);
    app.logs.length = 0; // the test's in-memory log capture, not Strapi's heap
    const heapBefore = heapUsedAfterGc();
    const answers = await runAll(url, requests);
    app.logs.length = 0;
    const heapAfter = heapUsedAfterGc();

    // 1. Statuses: no 5xx; each request answered as its kind requires.
    const wrong = requests
      .map((request, i) => ({ label: request.label, want: request.status, got: answers[i]?.status }))
      .filter((entry) => entry.got !== entry.want);
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);

    // 2. The event log: every acknowledged event exactly once, nothing refused.
    const events = (await app.strapi.db.query(WEBHOOK_EVENT_UID as never).findMany({
      select: ['event_id', 'transaction_id', 'status', 'outcome', 'payload_sha256', 'modified_date'],
      where: { event_id: { $startsWith: `hook-${runId}-` } },
    })) as Array<{ event_id: string; transaction_id: string | null; outcome: string; payload_sha256: string }>;
    const byEventId = new Map<string, typeof events>();
    for (const event of events) byEventId.set(event.event_id, [...(byEventId.get(event.event_id) ?? []), event]);
    const acknowledged = new Map<string, Expected>();
    for (const request of requests) if (request.expected) acknowledged.set(request.expected.eventId, request.expected);
    const ignored = requests.flatMap((request) => (request.ignoredEventId ? [request.ignoredEventId] : []));
    for (const [eventId, expected] of acknowledged) {
      const rows = byEventId.get(eventId) ?? [];
      expect({ eventId, rows: rows.length }).toEqual({ eventId, rows: 1 });
      expect(rows[0]).toMatchObject({ transaction_id: expected.txId, payload_sha256: expected.sha256 });
    }
    for (const eventId of ignored) expect(byEventId.get(eventId)).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    const refused = requests.flatMap((request) => (request.mustNotStore ? [request.mustNotStore] : []));
    expect(refused.filter((eventId) => byEventId.has(eventId))).toEqual([]);
    expect(events).toHaveLength(acknowledged.size + ignored.length);

    // 3. Transactions: exactly what their last applied event says; conflicts counted; no partial write.
    const rows = (await app.strapi.db.query(TRANSACTION_UID as never).findMany({
      where: { transaction_id: { $startsWith: `tx-${runId}-` } },
    })) as Array<Record<string, unknown>>;
    const txIds = new Set([...acknowledged.values()].map((expected) => expected.txId));
    expect(rows.map((row) => row.transaction_id).sort()).toEqual([...txIds].sort());
    for (const row of rows) {
      const txEvents = events.filter((event) => event.transaction_id === row.transaction_id);
      const last = acknowledged.get(row.last_webhook_id as string);
      expect(last).toBeDefined();
      expect(byEventId.get(row.last_webhook_id as string)?.[0]?.outcome).toBe('applied');
      expect({
        status: row.status,
        modified_ms: Number(row.modified_ms),
        amount: row.amount,
        category: row.category,
        pub_ref: row.pub_ref,
        pub_ref_status: row.pub_ref_status,
        payload_sha256: row.payload_sha256,
        conflict_count: Number(row.conflict_count),
      }).toEqual({
        status: last?.status,
        modified_ms: last?.modifiedMs,
        amount: last?.amount,
        category: last?.category,
        pub_ref: last?.pubRef,
        pub_ref_status: last?.pubRefStatus,
        payload_sha256: last?.sha256,
        conflict_count: txEvents.filter((event) => event.outcome === 'conflict').length,
      });
      // The row holds the greatest applied event: a final status beats pending, then the newest date wins.
      const rank = (expected: Expected | undefined) =>
        expected === undefined ? -1 : (expected.status === 'pending' ? 0 : 1) * 1e15 + expected.modifiedMs;
      const applied = txEvents
        .filter((event) => event.outcome === 'applied')
        .map((event) => rank(acknowledged.get(event.event_id)));
      expect(Math.max(...applied)).toBe(rank(last));
      // Never two final statuses applied to one transaction.
      const finals = new Set(
        txEvents
          .filter((event) => event.outcome === 'applied')
          .map((event) => acknowledged.get(event.event_id)?.status)
          .filter((status) => status !== 'pending')
      );
      expect(finals.size).toBeLessThanOrEqual(1);
    }

    // 4. Heap.
    const growth = heapAfter - heapBefore;
    const seconds = (Date.now() - started) / 1000;
    const counts = answers.reduce<Record<number, number>>(
      (acc, answer) => ({ ...acc, [answer.status]: (acc[answer.status] ?? 0) + 1 }),
      {}
    );
    const outcomes = answers.reduce<Record<string, number>>(
      (acc, answer) => (answer.outcome ? { ...acc, [answer.outcome]: (acc[answer.outcome] ?? 0) + 1 } : acc),
      {}
    );

    console.log(
      `fuzz-webhooks ${client}: ${requests.length} requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(counts)}, ` +
        `outcomes ${JSON.stringify(outcomes)}, heap ${(heapBefore / MB).toFixed(1)} -> ${(heapAfter / MB).toFixed(1)} MB ` +
        `(${(growth / MB).toFixed(2)} MB, bound ${HEAP_BOUND / MB} MB)`
    );
    expect(requests.length).toBeGreaterThanOrEqual(REQUESTS * 0.95); // redeliveries before any event are skipped
    expect(growth).toBeLessThan(HEAP_BOUND);
  }, 600_000);
});
