// @ts-check
'use strict';

/**
 * A Button Offers API simulator: a real HTTP or HTTPS server on a real socket, answering
 * `POST /v1/offers` the way Button does (Basic auth, Button's envelopes and validation errors), with
 * faults injectable at run time and counters that tests and the benchmark read.
 *
 * In-process: `const sim = createButtonSimulator({ apiKey }); await sim.start();` then `sim.url`,
 * `sim.faults.set(...)`, `sim.stats()`, `await sim.stop()`.
 * Over HTTP (another process): `GET /__simulator/stats`, `GET /__simulator/arrivals`, `PUT /__simulator/faults`,
 * `POST /__simulator/reset`,
 * `POST /__simulator/outage` (body `{"ms": 10000}`: the answer is sent, then the server goes away for that long).
 */

const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const path = require('node:path');
const { MERCHANTS, offersFor } = require('./catalogue');
const { createFaultPlan, validateFaultSettings } = require('./faults');
const { createWebhookSender } = require('./webhooks');

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

/**
 * @param {{
 *   apiKey?: string,
 *   tls?: boolean,
 *   keepAliveTimeoutMs?: number,
 *   merchants?: import('./catalogue').CatalogueMerchant[],
 *   webhookSecret?: string,
 * }} [options]
 */
function createButtonSimulator(options = {}) {
  let expectedAuth = basicAuth(options.apiKey ?? 'sim_api_key');
  const merchants = options.merchants ?? MERCHANTS;
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
    if (url.pathname.startsWith('/__simulator/')) return handleControl(url.pathname, req, res);
    if (req.method === 'OPTIONS') {
      // Clients warm their connections up with an OPTIONS: counted apart so it never skews request counts.
      counters.warmups += 1;
      return answerRaw(res, 204, '');
    }
    counters.requestsReceived += 1;
    if (url.pathname === '/v1/offers') recordArrival(Date.now());
    if (url.pathname !== '/v1/offers') return answer(res, 404, errorEnvelope('Not found'));
    if (req.method !== 'POST') return answer(res, 405, errorEnvelope('Method not allowed'), { Allow: 'POST' });
    readBody(req, res, (raw) => handleOffers(req, res, raw));
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

    const fault = faults.next();
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
      if (fault?.kind === 'malformed') return answerRaw(res, 200, '{"meta": {"status": "ok"}, "object": {"merchant_offers": [');
      if (fault?.kind === 'schema')
        return answer(res, 200, { meta: { status: 'ok' }, object: { merchant_offers: 'not-a-list' } });
      if (fault?.kind === 'error-envelope') return answer(res, 200, errorEnvelope(fault.message ?? 'Something went wrong'));

      const invalid = validateOffersRequest(body);
      if (invalid) return answer(res, 400, errorEnvelope(invalid));
      const merchantOffers = offersFor(body.user_id, { merchantId: body.merchant_id, merchants });
      counters.offersServed += 1;
      // `generated_at` is not in Button's documented schema: it stands for the fields Button may add at any time.
      answer(res, 200, {
        meta: { status: 'ok' },
        object: { merchant_offers: merchantOffers, generated_at: new Date().toISOString() },
      });
    };
    if (wait > 0) setTimeout(respond, wait);
    else respond();
  }

  /**
   * @param {string} pathname
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  function handleControl(pathname, req, res) {
    if (pathname === '/__simulator/stats' && req.method === 'GET') return answer(res, 200, stats());
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
   * `POST /__simulator/webhooks` `{url, pub_ref, final?, order?, duplicates?, concurrent?, secret?}`: plays a
   * transaction's life for that pubRef against that URL, signed with `secret` (default: options.webhookSecret).
   * @param {Buffer} raw
   */
  async function sendWebhooks(raw) {
    const input = JSON.parse(raw.toString('utf8') || '{}');
    const secret = input.secret ?? options.webhookSecret;
    if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) throw new TypeError('url must be an http(s) URL');
    if (typeof secret !== 'string' || secret === '')
      throw new TypeError('secret is required (or start the simulator with webhookSecret)');
    const sender = createWebhookSender({ url: input.url, secret, retryDelaysMs: input.retry_delays_ms });
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
    counters.webhooksSent += sender.stats().attempts;
    return { transaction_id: result.transactionId, events: result.events, reports: result.reports };
  }

  function stats() {
    return {
      ...counters,
      faultsFired: { ...counters.faultsFired },
      connectionsOpen: sockets.size,
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
    tlsHandshakes: 0,
    tlsSessionsResumed: 0,
    requestsReceived: 0,
    offersServed: 0,
    outages: 0,
    warmups: 0,
    webhooksSent: 0,
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
