// @ts-check
'use strict';

/**
 * Button's webhooks, simulated: signed transaction events (`tx-pending`, then `tx-validated` or `tx-declined`)
 * for a pubRef, POSTed to a URL with Button's delivery rules, plus the misbehaviours a receiver must survive
 * (duplicates, out-of-order deliveries, bad signatures, bodies tampered after signing).
 *
 * Button's rules (docs): any 2xx acknowledges; anything else is retried with exponential backoff (for up to
 * three days); a 400 is permanent and not retried; each attempt has a new `request_id`. The backoff here is
 * scaled down (`retryDelaysMs`) so tests run in milliseconds.
 *
 * With a `store`, every event's transaction is recorded there first, as Button knows a state whether or not its
 * webhook arrives; `drop` then loses chosen deliveries outright, so reconciliation against the Transactions API
 * can be shown to recover them.
 */

const { createHmac, randomBytes } = require('node:crypto');
const { seededRandom } = require('./faults');
const { isTransaction } = require('./transactions');

/** @typedef {'pending' | 'validated' | 'declined'} TxStatus */
/** @typedef {{ id: string, event_type: string, data: Record<string, unknown>, request_id?: string }} WebhookEvent */
/**
 * @typedef {{
 *   signature?: 'valid' | 'bad' | 'missing',   // what to put in X-Button-Signature
 *   tamper?: boolean,                          // sign, then change one byte of the body
 *   rawBody?: string,                          // send these bytes instead of the event's JSON (signed as is)
 * }} DeliveryOptions
 * @typedef {{ status: number, attempt: number, requestId: string, body: unknown }} AttemptResult
 * @typedef {{ eventId: string, delivered: boolean, dropped?: true, attempts: AttemptResult[] }} DeliveryReport
 * @typedef {{ ratio: number, seed?: number } | ((event: WebhookEvent, deliveryIndex: number) => boolean)} DropPolicy
 * @typedef {{ put: (tx: unknown) => boolean }} TransactionSink
 */

/** @param {string} prefix */
const newId = (prefix) => `${prefix}-${randomBytes(8).toString('hex')}`;

/**
 * @param {string | Buffer} body
 * @param {string} secret
 */
function signBody(body, secret) {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * A Button Transaction as webhooks carry it. Money in minor units. `createdDate` defaults to `modifiedDate`: a
 * transaction's later states keep the date it was created, which is what a created_date window relies on.
 * @param {{ pubRef: string | null, status?: TxStatus, modifiedDate?: string, createdDate?: string, id?: string,
 *   buttonOrderId?: string, customerId?: string, amount?: number, orderTotal?: number, currency?: string,
 *   merchantId?: string }} input
 */
function transaction(input) {
  const modified = input.modifiedDate ?? new Date().toISOString();
  const created = input.createdDate ?? modified;
  const status = input.status ?? 'pending';
  return {
    id: input.id ?? newId('tx'),
    status,
    category: 'new-user-order',
    amount: input.amount ?? 250,
    currency: input.currency ?? 'USD',
    order_total: input.orderTotal ?? 5000,
    order_currency: input.currency ?? 'USD',
    pub_ref: input.pubRef,
    publisher_customer_id: input.customerId ?? 'user-1',
    button_order_id: input.buttonOrderId ?? newId('btnorder'),
    order_id: 'order-1001',
    commerce_organization: input.merchantId ?? 'org-3a1f0c9e2b7d4e51',
    order_line_items: [{ identifier: 'sku-1', description: 'Item', amount: 5000, quantity: 1 }],
    created_date: created,
    modified_date: modified,
    validated_date: status === 'validated' ? modified : null,
    attribution_date: created,
  };
}

/**
 * @param {string} eventType
 * @param {Record<string, unknown>} data
 * @param {string} [id]
 * @returns {WebhookEvent}
 */
function webhookEvent(eventType, data, id) {
  return { id: id ?? newId('hook'), event_type: eventType, data };
}

/**
 * The predicate a drop policy stands for. A ratio draws one number per delivery from its own seeded generator, so
 * the same seed loses the same deliveries for the same sequence of calls.
 * @param {DropPolicy | undefined} drop
 * @returns {(event: WebhookEvent, deliveryIndex: number) => boolean}
 */
function dropPredicate(drop) {
  if (drop === undefined) return () => false;
  if (typeof drop === 'function') return drop;
  const { ratio, seed = 1 } = drop;
  if (!(typeof ratio === 'number' && ratio >= 0 && ratio <= 1)) throw new TypeError('drop.ratio must be between 0 and 1');
  if (!Number.isInteger(seed)) throw new TypeError('drop.seed must be an integer');
  const random = seededRandom(seed);
  return () => random() < ratio;
}

/**
 * @param {{ url: string, secret: string, retryDelaysMs?: number[], userAgent?: string, store?: TransactionSink,
 *   drop?: DropPolicy, onReport?: (report: DeliveryReport) => void }} options `onReport` sees every finished
 *   delivery (the simulator server counts them)
 */
function createWebhookSender(options) {
  const retryDelaysMs = options.retryDelaysMs ?? [10, 20, 40, 80];
  const sent = { attempts: 0, acknowledged: 0, refused: 0, dropped: 0 };
  const shouldDrop = dropPredicate(options.drop);
  let deliveries = 0;

  /**
   * One HTTP attempt.
   * @param {WebhookEvent} event
   * @param {DeliveryOptions} delivery
   * @param {number} attempt
   * @returns {Promise<AttemptResult>}
   */
  async function attemptOnce(event, delivery, attempt) {
    const requestId = newId('attempt');
    const text = delivery.rawBody ?? JSON.stringify({ ...event, request_id: requestId });
    let body = Buffer.from(text, 'utf8');
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json', 'User-Agent': options.userAgent ?? 'Button Webhooks 1.0.0' };
    const signature = delivery.signature ?? 'valid';
    if (signature === 'valid') headers['X-Button-Signature'] = signBody(body, options.secret);
    if (signature === 'bad') headers['X-Button-Signature'] = signBody(body, `${options.secret}-wrong`);
    if (delivery.tamper) {
      body = Buffer.from(body);
      const at = body.indexOf('"amount":');
      body[at >= 0 ? at + 9 : body.length - 2] = '9'.charCodeAt(0);
    }
    sent.attempts += 1;
    const res = await fetch(options.url, { method: 'POST', headers, body });
    const answer = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(answer);
    } catch {
      parsed = answer;
    }
    return { status: res.status, attempt, requestId, body: parsed };
  }

  /**
   * Delivers one event the way Button does: retried on anything but 2xx and 400, until acknowledged or out of
   * (scaled-down) retries. A dropped event is recorded in the store like any other but never posted.
   * @param {WebhookEvent} event
   * @param {DeliveryOptions} [delivery]
   * @returns {Promise<DeliveryReport>}
   */
  async function deliver(event, delivery = {}) {
    // Numbered and judged before any await: concurrent deliveries keep the order they were called in.
    const dropped = shouldDrop(event, deliveries);
    deliveries += 1;
    if (options.store !== undefined && isTransaction(event.data)) options.store.put(event.data);
    const report = dropped ? dropReport(event) : await post(event, delivery);
    options.onReport?.(report);
    return report;
  }

  /** @param {WebhookEvent} event @returns {DeliveryReport} */
  function dropReport(event) {
    sent.dropped += 1;
    return { eventId: event.id, delivered: false, dropped: true, attempts: [] };
  }

  /**
   * @param {WebhookEvent} event
   * @param {DeliveryOptions} delivery
   * @returns {Promise<DeliveryReport>}
   */
  async function post(event, delivery) {
    /** @type {AttemptResult[]} */
    const attempts = [];
    for (let attempt = 1; ; attempt += 1) {
      let result;
      try {
        result = await attemptOnce(event, delivery, attempt);
      } catch (error) {
        result = { status: 0, attempt, requestId: '', body: String(/** @type {Error} */ (error).message) };
      }
      attempts.push(result);
      if (result.status >= 200 && result.status < 300) {
        sent.acknowledged += 1;
        return { eventId: event.id, delivered: true, attempts };
      }
      const delay = retryDelaysMs[attempt - 1];
      if (result.status === 400 || delay === undefined) {
        sent.refused += 1;
        return { eventId: event.id, delivered: false, attempts };
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * A transaction's life for a pubRef: `tx-pending`, then `tx-validated` or `tx-declined` one minute later (in
   * Button's dates). `order: 'reversed'` delivers the final state first; `duplicates: n` delivers each event n
   * more times; `concurrent: true` sends the copies in parallel. `regress: true` then sends, one minute after
   * the final state, a `tx-pending` for the same transaction: what Button's documented life never does, and
   * what a receiver must record as a conflict instead of moving a final transaction back.
   * @param {{ pubRef: string | null, final?: 'validated' | 'declined' | null, order?: 'in-order' | 'reversed',
   *   duplicates?: number, concurrent?: boolean, customerId?: string, amount?: number, transactionId?: string,
   *   start?: Date, regress?: boolean }} input
   */
  async function lifecycle(input) {
    const start = input.start ?? new Date();
    const txId = input.transactionId ?? newId('tx');
    const buttonOrderId = newId('btnorder');
    const common = {
      pubRef: input.pubRef,
      id: txId,
      buttonOrderId,
      customerId: input.customerId,
      amount: input.amount,
      createdDate: start.toISOString(),
    };
    const events = [webhookEvent('tx-pending', transaction({ ...common, status: 'pending', modifiedDate: start.toISOString() }))];
    const final = input.final === undefined ? 'validated' : input.final;
    if (final !== null) {
      const later = new Date(start.getTime() + 60_000).toISOString();
      events.push(webhookEvent(`tx-${final}`, transaction({ ...common, status: final, modifiedDate: later })));
    }
    if (input.regress && final !== null) {
      const after = new Date(start.getTime() + 120_000).toISOString();
      events.push(webhookEvent('tx-pending', transaction({ ...common, status: 'pending', modifiedDate: after })));
    }
    const ordered = input.order === 'reversed' ? [...events].reverse() : events;
    /** @type {DeliveryReport[]} */
    const reports = [];
    for (const event of ordered) {
      const copies = 1 + (input.duplicates ?? 0);
      if (input.concurrent) reports.push(...(await Promise.all(Array.from({ length: copies }, () => deliver(event)))));
      else for (let i = 0; i < copies; i += 1) reports.push(await deliver(event));
    }
    return { transactionId: txId, events, reports };
  }

  return { deliver, lifecycle, stats: () => ({ ...sent }) };
}

module.exports = { createWebhookSender, transaction, webhookEvent, signBody };
