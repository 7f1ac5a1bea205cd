import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createListClient, cursorOf, type ListClientOptions } from '../../../server/src/button-client/list-client';
import { createLocalRateLimiter, type RateLimiter } from '../../../server/src/button-client/rate-limiter';
import type { RetryPolicy } from '../../../server/src/button-client/retry';
import { createTransport, type Transport } from '../../../server/src/button-client/transport';
import { createFakeClock } from '../../helpers/fake-clock';

/**
 * The list client through the real transport against a tiny HTTP server on 127.0.0.1:0 speaking Button's list
 * envelope. The clock is fake (pacing, backoff and limiter waits are recorded and instant); only the HTTP is real.
 */
const API_KEY = 'key-unit';
const PATH = '/v1/affiliation/accounts/acc-1/transactions';
const POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, attemptTimeoutMs: 5_000, deadlineMs: 30_000 };
const QUERY = { start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z', time_field: 'modified_date' };

interface Seen {
  path: string;
  query: URLSearchParams;
  method: string;
  authorization: string | undefined;
}

type Handler = (seen: Seen) => { status?: number; body: unknown; headers?: Record<string, string> };

interface Server {
  url: string;
  seen: Seen[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const seen: Seen[] = [];
  let handler: Handler = () => ({ status: 404, body: { meta: { status: 'error' }, error: { message: 'no handler' } } });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const entry = {
      path: url.pathname,
      query: url.searchParams,
      method: req.method ?? '',
      authorization: req.headers.authorization,
    };
    seen.push(entry);
    const { status = 200, body, headers = {} } = handler(entry);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    handle: (next) => (handler = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const page = (objects: unknown[], next: string | null) => ({ meta: { status: 'ok', next, previous: null }, objects });
const buttonNext = (cursor: string) => `https://api.usebutton.com${PATH}?cursor=${encodeURIComponent(cursor)}&start=x`;

/** Three pages of one object each, chained by cursor (none, c1, c2). */
const threePages: Handler = ({ query }) => {
  const cursor = query.get('cursor');
  if (cursor === null) return { body: page([{ id: 'tx-1' }], buttonNext('c1')) };
  if (cursor === 'c1') return { body: page([{ id: 'tx-2' }], buttonNext('c2')) };
  return { body: page([{ id: 'tx-3' }], null) };
};

let server: Server;
let transport: Transport;

beforeEach(async () => {
  server = await startServer();
  transport = createTransport({
    baseUrl: server.url,
    apiKey: API_KEY,
    connectTimeoutMs: 2_000,
    connections: 2,
    keepAliveTimeoutMs: 4_000,
    keepAlive: true,
    tls: { rejectUnauthorized: true },
    userAgent: 'list-client-unit',
  });
});

afterEach(async () => {
  await transport.close();
  await server.close();
});

function client(options: Partial<ListClientOptions> & { perMinute?: number } = {}) {
  const clock = createFakeClock();
  const perMinute = options.perMinute ?? 6_000;
  const attempts: Parameters<NonNullable<ListClientOptions['onAttempt']>>[0][] = [];
  const list = createListClient({
    transport,
    limiter: createLocalRateLimiter({ perMinute, clock }),
    perMinute,
    policy: POLICY,
    clock,
    random: () => 0.5,
    epochNow: () => Date.now(),
    onAttempt: (event) => attempts.push(event),
    ...options,
  });
  return { list, clock, attempts };
}

async function collect<T>(pages: AsyncGenerator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const one of pages) all.push(one);
  return all;
}

describe('createListClient: pages', () => {
  it('follows the cursor of meta.next until it is null, keeping the query, with Basic auth', async () => {
    server.handle(threePages);
    const { list } = client();
    const pages = await collect(list.pages({ path: PATH, query: QUERY, maxPages: 10 }));
    expect(pages).toEqual([
      { objects: [{ id: 'tx-1' }], next: buttonNext('c1'), index: 0, truncated: false, nextCursor: 'c1' },
      { objects: [{ id: 'tx-2' }], next: buttonNext('c2'), index: 1, truncated: false, nextCursor: 'c2' },
      { objects: [{ id: 'tx-3' }], next: null, index: 2, truncated: false, nextCursor: null },
    ]);
    expect(server.seen.map((seen) => [seen.method, seen.path, seen.query.get('cursor')])).toEqual([
      ['GET', PATH, null],
      ['GET', PATH, 'c1'],
      ['GET', PATH, 'c2'],
    ]);
    for (const seen of server.seen) {
      expect(Object.fromEntries([...seen.query].filter(([key]) => key !== 'cursor'))).toEqual(QUERY);
      expect(seen.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`);
    }
  });

  it('stops at maxPages and flags the last page read as truncated', async () => {
    server.handle(threePages);
    const { list } = client();
    const pages = await collect(list.pages({ path: PATH, query: QUERY, maxPages: 2 }));
    expect(pages.map(({ index, truncated }) => [index, truncated])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(server.seen).toHaveLength(2);
  });

  it('is not truncated when the last allowed page is also the last page', async () => {
    server.handle(threePages);
    const { list } = client();
    const pages = await collect(list.pages({ path: PATH, query: QUERY, maxPages: 3 }));
    expect(pages.map(({ truncated }) => truncated)).toEqual([false, false, false]);
  });

  it('never requests the URL of meta.next: another host or path only lends its cursor', async () => {
    const elsewhere = await startServer();
    try {
      server.handle(({ query }) => {
        const cursor = query.get('cursor');
        if (cursor === null) return { body: page([], `${elsewhere.url}/steal?cursor=c1`) };
        if (cursor === 'c1') return { body: page([], `${server.url}/v1/other/path?cursor=${encodeURIComponent('c2 +/=&')}`) };
        return { body: page([], null) };
      });
      const { list } = client();
      await collect(list.pages({ path: PATH, query: QUERY, maxPages: 10 }));
      expect(elsewhere.seen).toEqual([]);
      expect(server.seen.map((seen) => [seen.path, seen.query.get('cursor')])).toEqual([
        [PATH, null],
        [PATH, 'c1'],
        [PATH, 'c2 +/=&'], // decoded from next, encoded again for the configured host
      ]);
    } finally {
      await elsewhere.close();
    }
  });

  it.each([
    ['no cursor parameter', 'https://api.usebutton.com/v1/x?page=2'],
    ['an empty cursor', 'https://api.usebutton.com/v1/x?cursor='],
    ['a relative URL', '/v1/x?cursor=c1'],
    ['not a URL at all', 'next page please'],
  ])('fails with INVALID_RESPONSE on a next with %s, after the page it came with', async (_label, next) => {
    server.handle(() => ({ body: page([{ id: 'tx-1' }], next) }));
    const { list } = client();
    const yielded: unknown[] = [];
    await expect(
      (async () => {
        for await (const one of list.pages({ path: PATH, query: QUERY, maxPages: 10 })) yielded.push(one.objects);
      })()
    ).rejects.toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    expect(yielded).toEqual([[{ id: 'tx-1' }]]);
    expect(server.seen).toHaveLength(1);
  });

  it('fails with INVALID_RESPONSE on a 200 that is not the list envelope, without retrying', async () => {
    server.handle(() => ({ body: { meta: { status: 'ok' }, object: {} } }));
    const { list } = client();
    await expect(list.page({ path: PATH, query: QUERY })).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
    expect(server.seen).toHaveLength(1);
  });
});

describe('createListClient: retries', () => {
  it('retries a 503 after its backoff and returns the page of the 200 that follows', async () => {
    let calls = 0;
    server.handle(() =>
      (calls += 1) === 1
        ? { status: 503, body: { meta: { status: 'error' }, error: { message: 'busy' } } }
        : { body: page([{ id: 'tx-1' }], null) }
    );
    const { list, clock, attempts } = client();
    expect(await list.page({ path: PATH, query: QUERY })).toEqual({ objects: [{ id: 'tx-1' }], next: null });
    expect(server.seen).toHaveLength(2);
    expect(clock.sleeps).toEqual([50]); // 0.5 of the first backoff window (100 ms)
    expect(attempts.map(({ outcome, upstreamStatus }) => [outcome, upstreamStatus])).toEqual([
      ['UPSTREAM_UNAVAILABLE', 503],
      ['success', 200],
    ]);
  });

  it('honours Retry-After on a 429 before retrying', async () => {
    let calls = 0;
    server.handle(() =>
      (calls += 1) === 1
        ? { status: 429, body: { meta: { status: 'error' } }, headers: { 'retry-after': '2' } }
        : { body: page([], null) }
    );
    const { list, clock } = client();
    await list.page({ path: PATH, query: QUERY });
    expect(clock.sleeps).toEqual([2_000]);
  });

  it('does not retry a 401: AUTH_REJECTED after one request', async () => {
    server.handle(() => ({ status: 401, body: { meta: { status: 'error' }, error: { message: 'Invalid API key' } } }));
    const { list, clock } = client();
    await expect(list.page({ path: PATH, query: QUERY })).rejects.toMatchObject({
      code: 'AUTH_REJECTED',
      upstreamStatus: 401,
      attempts: 1,
    });
    expect(server.seen).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after maxAttempts of 503', async () => {
    server.handle(() => ({ status: 503, body: '' }));
    const { list } = client();
    await expect(list.page({ path: PATH, query: QUERY })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', attempts: 3 });
    expect(server.seen).toHaveLength(3);
  });

  it('asks the shared limiter for a token before a retry, and waits for it when refused (a background page is patient)', async () => {
    let calls = 0;
    server.handle(() => (++calls === 1 ? { status: 503, body: '' } : { body: page([{ id: 'tx-1' }], null) }));
    const decisions = [{ allowed: true as const }, { allowed: false as const, retryAfterMs: 1_000 }];
    const limiter: RateLimiter = { acquire: async () => decisions.shift() ?? { allowed: true } };
    const { list, clock } = client({ limiter });
    await expect(list.page({ path: PATH, query: QUERY })).resolves.toMatchObject({ objects: expect.any(Array) });
    expect(server.seen).toHaveLength(2);
    expect(clock.sleeps).toContain(1_000);
  });
});

describe('createListClient: pacing and the shared budget', () => {
  it('spaces pages to the background share of the rate limit (share 0.1 of 600 a minute: 1 page a second)', async () => {
    server.handle(threePages);
    const { list, clock } = client({ perMinute: 600, shareOfBudget: 0.1 });
    await collect(list.pages({ path: PATH, query: QUERY, maxPages: 10 }));
    expect(clock.sleeps).toEqual([1_000, 1_000]);
    // A page asked for long after the last one does not wait.
    clock.advance(5_000);
    await list.page({ path: PATH, query: QUERY });
    expect(clock.sleeps).toEqual([1_000, 1_000]);
    expect(server.seen).toHaveLength(4);
  });

  it('uses a tenth of the budget by default', async () => {
    server.handle(threePages);
    const { list, clock } = client({ perMinute: 1_200 });
    await collect(list.pages({ path: PATH, query: QUERY, maxPages: 10 }));
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('waits for retryAfterMs when the limiter refuses a page, instead of failing', async () => {
    server.handle(threePages);
    // A bucket of 1 refilled 59 times a minute (1017 ms a token) under a pace of 1 page a second: the second page
    // finds the bucket 17 ms short of a token.
    const { list, clock } = client({ perMinute: 60, shareOfBudget: 1 });
    const pages = await collect(list.pages({ path: PATH, query: QUERY, maxPages: 2 }));
    expect(pages).toHaveLength(2);
    expect(clock.sleeps).toEqual([1_000, 17]);
    expect(server.seen).toHaveLength(2);
  });

  it('waits through several refusals of a shared limiter, each for its retryAfterMs', async () => {
    server.handle(() => ({ body: page([], null) }));
    const decisions = [
      { allowed: false as const, retryAfterMs: 250 },
      { allowed: false as const, retryAfterMs: 400 },
    ];
    const limiter: RateLimiter = { acquire: async () => decisions.shift() ?? { allowed: true } };
    const { list, clock } = client({ limiter });
    await list.page({ path: PATH, query: QUERY });
    expect(clock.sleeps).toEqual([250, 400]);
    expect(server.seen).toHaveLength(1);
  });

  it('stops waiting when the caller aborts', async () => {
    server.handle(() => ({ body: page([], null) }));
    const limiter: RateLimiter = { acquire: async () => ({ allowed: false, retryAfterMs: 1_000 }) };
    const { list } = client({ limiter });
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    await expect(list.page({ path: PATH, query: QUERY, signal: controller.signal })).rejects.toThrow('run cancelled');
    expect(server.seen).toHaveLength(0);
  });
});

describe('cursorOf', () => {
  it.each([
    ['https://api.usebutton.com/v1/x?cursor=abc', 'abc'],
    ['https://api.usebutton.com/v1/x?start=1&cursor=a%2Bb%2Fc%3D', 'a+b/c='],
    ['http://elsewhere.example/anything?cursor=c1', 'c1'],
  ])('reads the cursor of %s', (next, cursor) => {
    expect(cursorOf(next)).toBe(cursor);
  });

  it.each([
    ['no cursor', 'https://api.usebutton.com/v1/x'],
    ['an empty cursor', 'https://api.usebutton.com/v1/x?cursor='],
    ['a cursor over 2,048 characters', `https://api.usebutton.com/v1/x?cursor=${'c'.repeat(2_049)}`],
    ['no URL', 'cursor=abc'],
  ])('refuses a next with %s (INVALID_RESPONSE)', (_label, next) => {
    expect(() => cursorOf(next)).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE', retryable: false }));
  });
});
