// @ts-check
'use strict';

/**
 * Fault injection for the simulator: which failure, if any, the next request meets, and how long it waits.
 *
 * Rules are checked in order; the first that fires decides. A rule fires for its next `times` requests,
 * or with `probability` on each request (a seeded generator, so a run is reproducible), or always.
 * A rule meets only the requests of its `route` (the Offers API unless it says otherwise).
 */

/**
 * @typedef {'status' | 'reset' | 'hang' | 'malformed' | 'schema' | 'error-envelope' | 'delay'} FaultKind
 * @typedef {'offers' | 'transactions' | 'accounts' | 'merchants'} Route
 * @typedef {{
 *   kind: FaultKind,
 *   route?: Route | 'any',    // which Button API the rule targets; default 'offers'
 *   status?: number,          // 'status': the HTTP status to answer with
 *   retryAfter?: string,      // 'status': a Retry-After header value (seconds or an HTTP date)
 *   message?: string,         // 'status' / 'error-envelope': the error message in Button's envelope
 *   delayMs?: number,         // 'delay': extra wait before a normal answer
 *   times?: number,           // fire for this many requests, then retire
 *   probability?: number,     // fire with this probability (0..1) on each request
 * }} FaultRule
 * @typedef {{ meanMs?: number, jitterMs?: number }} Latency
 * @typedef {{ latency?: Latency, rules?: FaultRule[], seed?: number }} FaultSettings
 */

const KINDS = new Set(['status', 'reset', 'hang', 'malformed', 'schema', 'error-envelope', 'delay']);
const ROUTES = new Set(['offers', 'transactions', 'accounts', 'merchants', 'any']);

/**
 * mulberry32: tiny, fast, good enough to spread faults evenly and reproducibly.
 * @param {number} seed
 */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Checks settings up front so a typo in a test or a control request fails loudly, not silently.
 * @param {unknown} settings
 * @returns {FaultSettings}
 */
function validateFaultSettings(settings) {
  if (settings === null || typeof settings !== 'object') throw new TypeError('fault settings must be an object');
  const { latency, rules, seed } = /** @type {Record<string, unknown>} */ (settings);
  if (latency !== undefined) {
    const { meanMs = 0, jitterMs = 0 } = /** @type {Latency} */ (latency);
    if (!(meanMs >= 0) || !(jitterMs >= 0)) throw new TypeError('latency.meanMs and latency.jitterMs must be >= 0');
  }
  if (rules !== undefined) {
    if (!Array.isArray(rules)) throw new TypeError('rules must be an array');
    rules.forEach((rule, i) => {
      if (!rule || !KINDS.has(rule.kind)) throw new TypeError(`rules[${i}].kind must be one of ${[...KINDS].join(', ')}`);
      if (rule.route !== undefined && !ROUTES.has(rule.route))
        throw new TypeError(`rules[${i}].route must be one of ${[...ROUTES].join(', ')}`);
      if (rule.kind === 'status' && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
        throw new TypeError(`rules[${i}].status must be an HTTP status code`);
      }
      if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
        throw new TypeError(`rules[${i}].probability must be between 0 and 1`);
      }
      if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
        throw new TypeError(`rules[${i}].times must be a whole number`);
      }
    });
  }
  if (seed !== undefined && !Number.isInteger(seed)) throw new TypeError('seed must be an integer');
  return /** @type {FaultSettings} */ (settings);
}

function createFaultPlan() {
  /** @type {Required<Latency>} */
  let latency = { meanMs: 0, jitterMs: 0 };
  /** @type {FaultRule[]} */
  let rules = [];
  let random = seededRandom(1);

  return {
    /** @param {FaultSettings} settings replaces whatever was set before */
    set(settings) {
      validateFaultSettings(settings);
      latency = { meanMs: settings.latency?.meanMs ?? 0, jitterMs: settings.latency?.jitterMs ?? 0 };
      rules = (settings.rules ?? []).map((rule) => ({ ...rule }));
      random = seededRandom(settings.seed ?? 1);
    },
    clear() {
      this.set({});
    },
    /**
     * The rule the next request on `route` meets, or undefined for a normal answer. Rules of other routes draw
     * nothing from the generator, so adding them leaves a seeded run of the Offers API unchanged.
     * @param {Route} [route]
     */
    next(route = 'offers') {
      for (const rule of rules) {
        const target = rule.route ?? 'offers';
        if (target !== 'any' && target !== route) continue;
        if (rule.times !== undefined) {
          if (rule.times <= 0) continue;
          if (rule.probability === undefined || random() < rule.probability) {
            rule.times -= 1;
            return rule;
          }
          continue;
        }
        if (rule.probability === undefined || random() < rule.probability) return rule;
      }
      return undefined;
    },
    /** Base latency for one request: uniform in [mean - jitter, mean + jitter], never negative. */
    latencyMs() {
      if (latency.jitterMs === 0) return latency.meanMs;
      return Math.max(0, latency.meanMs + (random() * 2 - 1) * latency.jitterMs);
    },
    describe() {
      return { latency: { ...latency }, rules: rules.map((rule) => ({ ...rule })) };
    },
  };
}

module.exports = { createFaultPlan, validateFaultSettings, seededRandom };
