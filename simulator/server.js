// @ts-check
'use strict';

/**
 * A Button API simulator: a real HTTP or HTTPS server on a real socket, answering `POST /v1/offers` the way
 * Button does (Basic auth, Button's envelopes and validation errors), and Button's Transactions API
 * (`GET /v1/affiliation/accounts`, `GET /v1/affiliation/accounts/:id/transactions`) over the transactions its
 * webhook senders produced, Button's brand catalogue (`GET /v1/merchants?status=`, brands.js) and the brands' icons, with faults injectable at run time and counters that tests and the benchmark read.
 *
 * In-process: `const sim = createButtonSimulator({ apiKey }); await sim.start();` then `sim.url`,
 * `sim.faults.set(...)`, `sim.stats()`, `sim.webhookSender({ url })`, `sim.transactions`, `await sim.stop()`.
 * Over HTTP (another process): `GET /__simulator/stats`, `GET /__simulator/arrivals`, `PUT /__simulator/faults`,
 * `POST /__simulator/reset`, `POST /__simulator/webhooks`, `GET` and `DELETE /__simulator/transactions`,
 * `GET` / `DELETE /__simulator/catalogue`, `PUT` / `DELETE /__simulator/catalogue/:id` (change the brands),
 * `POST /__simulator/outage` (body `{"ms": 10000}`: the answer is sent, then the server goes away for that long).
 */

const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const path = require('node:path');
const { createHmac, randomBytes, timingSafeEqual } = require('node:crypto');
const { MERCHANTS, offersFor } = require('./catalogue');
const { createFaultPlan, validateFaultSettings } = require('./faults');
const { createWebhookSender } = require('./webhooks');
const { createTransactionStore, TIME_FIELDS } = require('./transactions');
const { createBrandCatalogue, brandForAnswer, iconAnswer, ICON_PATH, STATUSES: BRAND_STATUSES } = require('./brands');

const CERT_DIR = path.join(__dirname, 'certs');
/** The test certificate (CN localhost, SAN 127.0.0.1 and ::1) that HTTPS mode serves; clients trust it via `ca`. */
const TEST_CA_PATH = path.join(CERT_DIR, 'localhost-cert.pem');
const MAX_BODY_BYTES = 64 * 1024;
const RECENT_REQUESTS_KEPT = 200;
// Arrival times kept for /__simulator/arrivals: 200,000 is over 40 minutes at Button's 5,000 a minute, far more
// than any test or benchmark run needs, and a bounded 1.6 MB at most (the oldest are dropped beyond it).
const ARRIVALS_KEPT = 200_000;
const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_OUTAGE_MS = 10 * 60 * 1000; // 10 min: longer is a mistake, not a scenario
const DEFAULT_ACCOUNT_ID = 'acc-simulator-1';
const DEFAULT_TRANSACTIONS_PAGE_SIZE = 100;
const DEFAULT_MERCHANTS_PAGE_SIZE = 50;
const CATALOGUE_CONTROL = /^\/__simulator\/catalogue\/([^/]+)$/;
const TRANSACTIONS_PATH = /^\/v1\/affiliation\/accounts\/([^/]+)\/transactions$/;
// ISO-8601 as Button's clients send it: a date, or a date-time with an optional fraction and zone.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** What the `malformed` and `schema` faults answer: broken the same two ways in either envelope. */
const BROKEN_BODIES = {
  offers: {
    malformed: '{"meta": {"status": "ok"}, "object": {"merchant_offers": [',
    schema: { meta: { status: 'ok' }, object: { merchant_offers: 'not-a-list' } },
  },
  list: {
    malformed: '{"meta": {"status": "ok", "next": null, "previous": null}, "objects": [',
    schema: { meta: { status: 'ok', next: null, previous: null }, objects: 'not-a-list' },
  },
};

/**
 * @param {{
 *   apiKey?: string,
 *   tls?: boolean,
 *   keepAliveTimeoutMs?: number,
 *   merchants?: import('./catalogue').CatalogueMerchant[],
 *   webhookSecret?: string,
 *   accountId?: string,
 *   transactionsPageSize?: number,
 *   maxTransactions?: number,
 *   merchantsPageSize?: number,
 * }} [options]
 */
function createButtonSimulator(options = {}) {
  let expectedAuth = basicAuth(options.apiKey ?? 'sim_api_key');
  const merchants = options.merchants ?? MERCHANTS;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const pageSize = options.transactionsPageSize ?? DEFAULT_TRANSACTIONS_PAGE_SIZE;
  if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new TypeError('transactionsPageSize must be a positive integer');
  const store = createTransactionStore({ maxTransactions: options.maxTransactions });
  const merchantsPageSize = options.merchantsPageSize ?? DEFAULT_MERCHANTS_PAGE_SIZE;
  if (!(Number.isInteger(merchantsPageSize) && merchantsPageSize > 0))
    throw new TypeError('merchantsPageSize must be a positive integer');
  const catalogue = createBrandCatalogue({ merchants: options.merchants });
  // Per simulator: a cursor is only good for the query and the simulator that issued it, as Button's are opaque.
  const cursorKey = randomBytes(32);
  const faults = createFaultPlan();
  const sockets = new Set();
  /** @type {Set<http.ServerResponse>} */
  const hanging = new Set();
  let counters = freshCounters();
  /** @type {Array<Record<string, unknown>>} */
  let recent = [];
  /**
   * Epoch ms at which each /v1/offers request arrived (oldest first): what Button itself would count against a
   * rate limit, so tests can check every 60 s window from the receiving side rather than trust the client's count.
   * @type {number[]}
   */
  let arrivals = [];

  const handler = (/** @type {http.IncomingMessage} */ req, /** @type {http.ServerResponse} */ res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith(ICON_PATH) && req.method === 'GET') return serveIcon(url.pathname.slice(ICON_PATH.length), res);
    if (url.pathname.startsWith('/__simulator/')) return handleControl(url, req, res);
    if (req.method === 'OPTIONS') {
      // Clients warm their connections up with an OPTIONS: counted apart so it never skews request counts.
      counters.warmups += 1;
      return answerRaw(res, 204, '');
    }
    counters.requestsReceived += 1;
    if (url.pathname === '/v1/offers') {
      recordArrival(Date.now());
      if (req.method !== 'POST') return answer(res, 405, errorEnvelope('Method not allowed'), { Allow: 'POST' });
      return readBody(req, res, (raw) => handleOffers(req, res, raw));
    }
    if (url.pathname === '/v1/merchants') {
      if (req.method !== 'GET') return answer(res, 405, errorEnvelope('Method not allowed'), { Allow: 'GET' });
      counters.merchantsRequests += 1;
      return serve('merchants', req, res, () => merchantsAnswer(req, url));
    }
    const transactionsPath = TRANSACTIONS_PATH.exec(url.pathname);
    if (url.pathname !== '/v1/affiliation/accounts' && transactionsPath === null)
      return answer(res, 404, errorEnvelope('Not found'));
    if (req.method !== 'GET') return answer(res, 405, errorEnvelope('Method not allowed'), { Allow: 'GET' });
    if (transactionsPath === null) {
      counters.accountsRequests += 1;
      return serve('accounts', req, res, accountsAnswer);
    }
    counters.transactionsRequests += 1;
    serve('transactions', req, res, () => transactionsAnswer(req, url, transactionsPath[1] ?? ''));
  };

  const server = options.tls
    ? https.createServer(
        { key: fs.readFileSync(path.join(CERT_DIR, 'localhost-key.pem')), cert: fs.readFileSync(TEST_CA_PATH) },
        handler
      )
    : http.createServer(handler);
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  server.on('connection', (socket) => {
    counters.connectionsAccepted += 1;
    sockets.add(socket);
    // The most connections open at once: what a pool bounds (accepted also counts replacements of closed ones).
    counters.connectionsPeak = Math.max(counters.connectionsPeak, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (tlsSocket) => {
    counters.tlsHandshakes += 1;
    if (tlsSocket.isSessionReused()) counters.tlsSessionsResumed += 1;
  });

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Buffer} raw
   */
  function handleOffers(req, res, raw) {
    const authorized = req.headers.authorization === expectedAuth;
    let body;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    recent.push({ at: Date.now(), authorized, apiVersion: req.headers['x-button-api-version'], body });
    if (recent.length > RECENT_REQUESTS_KEPT) recent = recent.slice(-RECENT_REQUESTS_KEPT);
    serve('offers', req, res, () => {
      const invalid = validateOffersRequest(body);
      if (invalid) return { status: 400, body: errorEnvelope(invalid) };
      const merchantOffers = offersFor(body.user_id, { merchantId: body.merchant_id, merchants });
      counters.offersServed += 1;
      // `generated_at` is not in Button's documented schema: it stands for the fields Button may add at any time.
      return {
        status: 200,
        body: { meta: { status: 'ok' }, object: { merchant_offers: merchantOffers, generated_at: new Date().toISOString() } },
      };
    });
  }

  /**
   * Answers one Button API request through the fault plan: the rule it meets on its route decides first (a hang
   * or a reset happens whatever the key), then Basic auth, then the fault's answer or the normal one.
   * @param {import('./faults').Route} route
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {() => { status: number, body: unknown }} normal computed only when it is answered
   */
  function serve(route, req, res, normal) {
    const authorized = req.headers.authorization === expectedAuth;
    const broken = route === 'offers' ? BROKEN_BODIES.offers : BROKEN_BODIES.list;
    const fault = faults.next(route);
    const wait = faults.latencyMs() + (fault?.kind === 'delay' ? (fault.delayMs ?? 0) : 0);
    if (fault) counters.faultsFired[fault.kind] = (counters.faultsFired[fault.kind] ?? 0) + 1;
    const respond = () => {
      if (fault?.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (!authorized) return answer(res, 401, errorEnvelope('Unauthorized'));
      if (fault?.kind === 'status') {
        /** @type {Record<string, string>} */
        const headers = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
        return answer(
          res,
          /** @type {number} */ (fault.status),
          errorEnvelope(fault.message ?? http.STATUS_CODES[fault.status ?? 500] ?? 'Error'),
          headers
        );
      }
      if (fault?.kind === 'malformed') return answerRaw(res, 200, broken.malformed);
      if (fault?.kind === 'schema') return answer(res, 200, broken.schema);
      if (fault?.kind === 'error-envelope') return answer(res, 200, errorEnvelope(fault.message ?? 'Something went wrong'));
      const { status, body } = normal();
      answer(res, status, body);
    };
    if (wait > 0) setTimeout(respond, wait);
    else respond();
  }

  function accountsAnswer() {
    return {
      status: 200,
      body: listEnvelope([{ id: accountId, name: 'Simulator Publisher', currency: 'USD' }], null, null),
    };
  }

  /**
   * One page of the account's transactions in [start, end) by time_field, with absolute links to its neighbours.
   * @param {http.IncomingMessage} req
   * @param {URL} url
   * @param {string} accountSegment as it appears in the path (percent-encoded)
   */
  function transactionsAnswer(req, url, accountSegment) {
    if (decodeSegment(accountSegment) !== accountId) return { status: 404, body: errorEnvelope('Account not found') };
    const query = parseTransactionsQuery(url.searchParams);
    if (typeof query === 'string') return { status: 400, body: errorEnvelope(query) };
    const scope = `${accountId}|${query.timeField}|${query.start}|${query.end}`;
    const rawCursor = url.searchParams.get('cursor');
    const cursor = rawCursor === null ? undefined : readCursor(rawCursor, scope);
    if (cursor === null) return { status: 400, body: errorEnvelope('Invalid cursor') };
    const page = store.page({
      start: query.start,
      end: query.end,
      timeField: query.timeField,
      limit: pageSize,
      after: cursor?.d === 'n' ? [cursor.t, cursor.i] : undefined,
      before: cursor?.d === 'p' ? [cursor.t, cursor.i] : undefined,
    });
    /** @param {'n' | 'p'} direction @param {import('./transactions').PageKey | undefined} key */
    const link = (direction, key) => {
      if (key === undefined) return null;
      const params = new URLSearchParams({
        start: /** @type {string} */ (url.searchParams.get('start')),
        end: /** @type {string} */ (url.searchParams.get('end')),
        time_field: query.timeField,
        cursor: writeCursor({ d: direction, t: key[0], i: key[1] }, scope),
      });
      return `${origin(req)}${url.pathname}?${params}`;
    };
    const next = page.hasAfter ? link('n', page.last) : null;
    const previous = page.hasBefore ? link('p', page.first) : null;
    return { status: 200, body: listEnvelope(page.objects, next, previous) };
  }

  /**
   * One page of the brands of a status (`approved` by default, as Button's Node client passes it), ordered by id,
   * with the same keyed, signed cursors as the transactions.
   * @param {http.IncomingMessage} req
   * @param {URL} url
   */
  function merchantsAnswer(req, url) {
    const status = url.searchParams.get('status') ?? 'approved';
    if (!BRAND_STATUSES.has(status)) return { status: 400, body: errorEnvelope(`Invalid status: one of ${[...BRAND_STATUSES]}`) };
    const scope = `merchants|${status}`;
    const rawCursor = url.searchParams.get('cursor');
    const cursor = rawCursor === null ? undefined : readCursor(rawCursor, scope);
    if (cursor === null) return { status: 400, body: errorEnvelope('Invalid cursor') };
    const all = catalogue.list(/** @type {import('./brands').BrandStatus} */ (status));
    const objects =
      cursor === undefined
        ? all.slice(0, merchantsPageSize)
        : cursor.d === 'n'
          ? all.filter((brand) => brand.id > cursor.i).slice(0, merchantsPageSize)
          : all.filter((brand) => brand.id < cursor.i).slice(-merchantsPageSize);
    /** @param {'n' | 'p'} direction @param {string} id */
    const link = (direction, id) =>
      `${origin(req)}${url.pathname}?${new URLSearchParams({ status, cursor: writeCursor({ d: direction, t: 0, i: id }, scope) })}`;
    const first = objects[0];
    const last = objects[objects.length - 1];
    const next = last !== undefined && all.some((brand) => brand.id > last.id) ? link('n', last.id) : null;
    const previous = first !== undefined && all.some((brand) => brand.id < first.id) ? link('p', first.id) : null;
    return {
      status: 200,
      body: listEnvelope(
        objects.map((brand) => brandForAnswer(brand, origin(req))),
        next,
        previous
      ),
    };
  }

  /**
   * Icons as a CDN would serve them: no auth, not counted as Button API requests.
   * @param {string} name
   * @param {http.ServerResponse} res
   */
  function serveIcon(name, res) {
    const icon = iconAnswer(name);
    counters.iconsServed += 1;
    if (res.destroyed) return;
    if (icon.chunked) {
      // No Content-Length: a client can only find out the size by reading.
      res.writeHead(icon.status, { 'Content-Type': icon.type });
      const chunk = 64 * 1024;
      let offset = 0;
      const write = () => {
        while (offset < icon.body.length) {
          const ok = res.write(icon.body.subarray(offset, offset + chunk));
          offset += chunk;
          if (!ok) return void res.once('drain', write);
        }
        res.end();
      };
      res.on('error', () => undefined);
      write();
      return;
    }
    res.writeHead(icon.status, { 'Content-Type': icon.type, 'Content-Length': icon.body.length });
    res.end(icon.body);
  }

  /**
   * Where the client reached us, so the links it follows come back the same way (through a proxy or a port
   * mapping too).
   * @param {http.IncomingMessage} req
   */
  function origin(req) {
    const host = req.headers.host ?? (bound ? `${bound.host}:${bound.port}` : '127.0.0.1');
    return `${options.tls ? 'https' : 'http'}://${host}`;
  }

  /**
   * @param {string} payload
   * @param {string} scope
   */
  function cursorMac(payload, scope) {
    return createHmac('sha256', cursorKey).update(`${scope}\n${payload}`).digest().subarray(0, 16);
  }

  /**
   * @param {Cursor} cursor
   * @param {string} scope the query it belongs to
   */
  function writeCursor(cursor, scope) {
    const payload = Buffer.from(JSON.stringify(cursor)).toString('base64url');
    return `${payload}.${cursorMac(payload, scope).toString('base64url')}`;
  }

  /**
   * @param {string} text
   * @param {string} scope
   * @returns {Cursor | null} null when tampered with, or issued for another query or by another simulator
   */
  function readCursor(text, scope) {
    const [payload, mac, extra] = text.split('.');
    if (payload === undefined || mac === undefined || extra !== undefined) return null;
    const given = Buffer.from(mac, 'base64url');
    const expected = cursorMac(payload, scope);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const cursor = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const valid = (cursor?.d === 'n' || cursor?.d === 'p') && Number.isFinite(cursor.t) && typeof cursor.i === 'string';
      return valid ? cursor : null;
    } catch {
      return null;
    }
  }

  /**
   * @param {URL} url
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  function handleControl(url, req, res) {
    const { pathname } = url;
    if (pathname === '/__simulator/stats' && req.method === 'GET') return answer(res, 200, stats());
    if (pathname === '/__simulator/transactions' && req.method === 'GET') {
      let objects;
      try {
        objects = store.list({
          start: url.searchParams.get('start') ?? undefined,
          end: url.searchParams.get('end') ?? undefined,
          timeField: /** @type {import('./transactions').TimeField | undefined} */ (
            url.searchParams.get('time_field') ?? undefined
          ),
        });
      } catch (error) {
        return answer(res, 400, { error: /** @type {Error} */ (error).message });
      }
      return answer(res, 200, { size: store.size, objects });
    }
    if (pathname === '/__simulator/transactions' && req.method === 'DELETE') {
      const cleared = store.size;
      store.clear();
      return answer(res, 200, { cleared, size: 0 });
    }
    if (pathname === '/__simulator/catalogue' && req.method === 'GET') {
      const status = url.searchParams.get('status') ?? 'approved';
      if (!BRAND_STATUSES.has(status)) return answer(res, 400, { error: 'unknown status' });
      return answer(res, 200, { objects: catalogue.list(/** @type {import('./brands').BrandStatus} */ (status)) });
    }
    if (pathname === '/__simulator/catalogue' && req.method === 'DELETE') {
      catalogue.reset();
      return answer(res, 200, { size: catalogue.size });
    }
    const brandControl = CATALOGUE_CONTROL.exec(pathname);
    if (brandControl !== null && req.method === 'PUT') {
      return readBody(req, res, (raw) => {
        try {
          const input = JSON.parse(raw.toString('utf8') || '{}');
          answer(res, 200, catalogue.put({ ...input, id: decodeSegment(brandControl[1] ?? '') }));
        } catch (error) {
          answer(res, 400, { error: /** @type {Error} */ (error).message });
        }
      });
    }
    if (brandControl !== null && req.method === 'DELETE') {
      const removed = catalogue.remove(decodeSegment(brandControl[1] ?? '') ?? '');
      return answer(res, removed ? 200 : 404, { removed });
    }
    if (pathname === '/__simulator/arrivals' && req.method === 'GET') return answer(res, 200, { arrivals: arrivalTimes() });
    if (pathname === '/__simulator/reset' && req.method === 'POST') {
      reset();
      return answer(res, 200, stats());
    }
    if (pathname === '/__simulator/outage' && req.method === 'POST') {
      return readBody(req, res, (raw) => {
        let ms;
        try {
          ms = Number(JSON.parse(raw.toString('utf8') || '{}').ms);
        } catch {
          ms = NaN;
        }
        if (!(Number.isFinite(ms) && ms > 0 && ms <= MAX_OUTAGE_MS))
          return answer(res, 400, { error: `ms must be between 1 and ${MAX_OUTAGE_MS}` });
        // Go away only once this answer is out, or the caller could not tell the outage started.
        res.once('finish', () =>
          outage(ms).catch((error) => console.error('[simulator] could not listen again after the outage:', error))
        );
        answer(res, 202, { outageMs: ms }, { Connection: 'close' });
      });
    }
    if (pathname === '/__simulator/faults' && req.method === 'PUT') {
      return readBody(req, res, (raw) => {
        try {
          faults.set(validateFaultSettings(JSON.parse(raw.toString('utf8') || '{}')));
        } catch (error) {
          return answer(res, 400, { error: /** @type {Error} */ (error).message });
        }
        answer(res, 200, faults.describe());
      });
    }
    if (pathname === '/__simulator/webhooks' && req.method === 'POST') {
      return readBody(req, res, (raw) => {
        sendWebhooks(raw).then(
          (report) => answer(res, 200, report),
          (error) => answer(res, 400, { error: /** @type {Error} */ (error).message })
        );
      });
    }
    answer(res, 404, { error: 'unknown control endpoint' });
  }

  /**
   * A webhook sender whose events land in this simulator's transaction store and whose deliveries its counters
   * count; signed with `secret`, by default the simulator's `webhookSecret`.
   * @param {{ url: string, secret?: string, retryDelaysMs?: number[], userAgent?: string,
   *   drop?: import('./webhooks').DropPolicy }} input
   */
  function webhookSender(input) {
    const secret = input.secret ?? options.webhookSecret;
    if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) throw new TypeError('url must be an http(s) URL');
    if (typeof secret !== 'string' || secret === '')
      throw new TypeError('secret is required (or start the simulator with webhookSecret)');
    return createWebhookSender({
      ...input,
      secret,
      store,
      onReport: (report) => {
        counters.webhooksSent += report.attempts.length;
        if (report.dropped) counters.webhooksDropped += 1;
      },
    });
  }

  /**
   * `POST /__simulator/webhooks` `{url, pub_ref, final?, order?, duplicates?, concurrent?, secret?, drop_ratio?,
   * drop_seed?}`: plays a transaction's life for that pubRef against that URL, signed with `secret` (default:
   * options.webhookSecret). Each request seeds its own drop generator: vary drop_seed to vary what is lost.
   * @param {Buffer} raw
   */
  async function sendWebhooks(raw) {
    const input = JSON.parse(raw.toString('utf8') || '{}');
    const drop = input.drop_ratio === undefined ? undefined : { ratio: input.drop_ratio, seed: input.drop_seed ?? 1 };
    const sender = webhookSender({ url: input.url, secret: input.secret, retryDelaysMs: input.retry_delays_ms, drop });
    const result = await sender.lifecycle({
      pubRef: input.pub_ref ?? null,
      final: input.final,
      order: input.order,
      duplicates: input.duplicates,
      concurrent: input.concurrent,
      customerId: input.customer_id,
      amount: input.amount,
      regress: input.regress === true,
    });
    return {
      transaction_id: result.transactionId,
      events: result.events,
      reports: result.reports,
      dropped: sender.stats().dropped,
    };
  }

  function stats() {
    return {
      ...counters,
      faultsFired: { ...counters.faultsFired },
      connectionsOpen: sockets.size,
      transactionsStored: store.size,
      faults: faults.describe(),
    };
  }

  /** @param {number} at */
  function recordArrival(at) {
    arrivals.push(at);
    // Dropped in chunks rather than one shift per request: the copy happens once per 10,000 arrivals.
    if (arrivals.length > ARRIVALS_KEPT + 10_000) arrivals = arrivals.slice(-ARRIVALS_KEPT);
  }

  function arrivalTimes() {
    return arrivals.slice(-ARRIVALS_KEPT);
  }

  /** Counters and faults; the transaction store is data a test set up, cleared on its own (`transactions.clear()`). */
  function reset() {
    counters = freshCounters();
    recent = [];
    arrivals = [];
    faults.clear();
  }

  /** @type {NodeJS.Timeout | undefined} */
  let outageTimer;
  /** @type {{ port: number, host: string } | undefined} */
  let bound;

  function dropEverything() {
    for (const res of hanging) res.destroy();
    hanging.clear();
    for (const socket of sockets) socket.destroy();
  }

  /**
   * A full outage: the listener closes and every connection is cut (new ones are refused), then the server
   * listens again on the same port after `ms`. Counters and faults survive it.
   * @param {number} ms
   * @returns {Promise<void>} resolves once the server is back
   */
  function outage(ms) {
    if (bound === undefined) return Promise.reject(new Error('simulator is not started'));
    const { port, host } = bound;
    counters.outages += 1;
    dropEverything();
    const closed = new Promise((resolve) => (server.listening ? server.close(() => resolve(undefined)) : resolve(undefined)));
    return closed.then(
      () =>
        new Promise((resolve, reject) => {
          clearTimeout(outageTimer);
          outageTimer = setTimeout(() => {
            outageTimer = undefined;
            server.once('error', reject);
            server.listen(port, host, () => {
              server.off('error', reject);
              resolve(undefined);
            });
          }, ms);
        })
    );
  }

  /** @type {string | undefined} */
  let url;
  return {
    faults,
    stats,
    reset,
    /** Button's record of every transaction its webhook senders produced, delivered or not. */
    transactions: store,
    /** The brand catalogue `GET /v1/merchants` serves: `put`, `remove`, `list`, `get`, `reset`. */
    catalogue,
    webhookSender,
    accountId,
    /**
     * Changes the key the simulator accepts (a key rotation on Button's side, or a revoked key).
     * @param {string} key
     */
    setApiKey(key) {
      expectedAuth = basicAuth(key);
    },
    /** The last requests received on /v1/offers (newest last), for assertions on what the client sent. */
    recentRequests: () => recent.slice(),
    /** When each /v1/offers request arrived (epoch ms, oldest first; the last 200,000 at most), as over HTTP. */
    arrivals: arrivalTimes,
    get url() {
      if (url === undefined) throw new Error('simulator is not started');
      return url;
    },
    /** @param {{ port?: number, host?: string }} [listen] */
    start(listen = {}) {
      const host = listen.host ?? '127.0.0.1';
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(listen.port ?? 0, host, () => {
          server.off('error', reject);
          const address = /** @type {import('node:net').AddressInfo} */ (server.address());
          bound = { port: address.port, host };
          url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
          resolve(url);
        });
      });
    },
    outage,
    /** Closes the listener and every open connection (hung requests included): clients see the server go away. */
    stop() {
      clearTimeout(outageTimer);
      outageTimer = undefined;
      return new Promise((resolve) => {
        dropEverything();
        if (!server.listening) return resolve(undefined);
        server.close(() => resolve(undefined));
      });
    },
  };
}

function freshCounters() {
  return {
    connectionsAccepted: 0,
    connectionsPeak: 0,
    tlsHandshakes: 0,
    tlsSessionsResumed: 0,
    requestsReceived: 0,
    offersServed: 0,
    outages: 0,
    warmups: 0,
    webhooksSent: 0,
    webhooksDropped: 0,
    transactionsRequests: 0,
    accountsRequests: 0,
    merchantsRequests: 0,
    iconsServed: 0,
    /** @type {Record<string, number>} */
    faultsFired: {},
  };
}

/**
 * Button's request validation, as far as its documentation describes it.
 * @param {any} body
 * @returns {string | undefined} the error message Button would give, or undefined when valid
 */
function validateOffersRequest(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'Invalid JSON body';
  const { user_id: userId, device_ids: deviceIds = [], email_sha256s: emails = [], merchant_id: merchantId } = body;
  if (typeof userId !== 'string' || userId.length < 1 || userId.length > 255 || !PRINTABLE_ASCII.test(userId)) {
    return 'Invalid user_id: must be 1 to 255 printable ASCII characters';
  }
  if (!Array.isArray(deviceIds) || deviceIds.some((id) => typeof id !== 'string' || id.trim() === ''))
    return 'Invalid device_ids';
  if (!Array.isArray(emails) || emails.some((hash) => typeof hash !== 'string' || !SHA256_HEX.test(hash)))
    return 'Invalid email_sha256s';
  if (deviceIds.length + emails.length > 10) return 'Too many identifiers: at most 10 device_ids and email_sha256s combined';
  if (merchantId !== undefined && (typeof merchantId !== 'string' || merchantId === '')) return 'Invalid merchant_id';
  return undefined;
}

/** @param {string} key */
function basicAuth(key) {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** @typedef {{ d: 'n' | 'p', t: number, i: string }} Cursor  // direction and the key the page starts after/ends before */

/**
 * `start` and `end` are required, `time_field` defaults to created_date as Button's does.
 * @param {URLSearchParams} params
 * @returns {{ start: number, end: number, timeField: import('./transactions').TimeField } | string} or the error
 */
function parseTransactionsQuery(params) {
  const start = parseInstant(params.get('start'));
  if (start === undefined) return 'Invalid or missing start: an ISO-8601 date-time is required';
  const end = parseInstant(params.get('end'));
  if (end === undefined) return 'Invalid or missing end: an ISO-8601 date-time is required';
  if (end < start) return 'end must not be before start';
  const timeField = params.get('time_field') ?? 'created_date';
  if (!TIME_FIELDS.has(timeField)) return `Invalid time_field: one of ${[...TIME_FIELDS].join(', ')}`;
  return { start, end, timeField: /** @type {import('./transactions').TimeField} */ (timeField) };
}

/**
 * Epoch ms of an ISO-8601 date or date-time. A date-time without a zone is read as UTC, not as this machine's
 * local time, so a window means the same on every machine.
 * @param {string | null} text
 */
function parseInstant(text) {
  const match = text === null ? null : ISO_8601.exec(text);
  if (match === null || text === null) return undefined;
  const zoned = text.includes('T') && match[1] === undefined ? `${text}Z` : text;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * @param {string} segment
 * @returns {string | undefined} undefined for a broken percent-encoding, which names no account
 */
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Button's list envelope.
 * @param {unknown[]} objects
 * @param {string | null} next
 * @param {string | null} previous
 */
function listEnvelope(objects, next, previous) {
  return { meta: { status: 'ok', next, previous }, objects };
}

/** @param {string} message */
function errorEnvelope(message) {
  return { meta: { status: 'error' }, error: { message } };
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function answer(res, status, body, headers = {}) {
  answerRaw(res, status, JSON.stringify(body), headers);
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} text
 * @param {Record<string, string>} [headers]
 */
function answerRaw(res, status, text, headers = {}) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {(raw: Buffer) => void} onBody
 */
function readBody(req, res, onBody) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  req.on('data', (/** @type {Buffer} */ chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      answer(res, 413, errorEnvelope('Request body too large'), { Connection: 'close' });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size <= MAX_BODY_BYTES) onBody(Buffer.concat(chunks));
  });
}

module.exports = { createButtonSimulator, validateOffersRequest, TEST_CA_PATH };
