// @ts-check
'use strict';

/**
 * The benchmark's side channels: the simulator's control endpoints (faults, counters, outage) and the plugin's
 * Prometheus endpoint (breaker state), when it exists.
 */

const { Agent, request } = require('undici');

/**
 * @param {string} url the simulator's base URL (https)
 * @param {string} ca PEM of its test certificate
 */
function simulatorControl(url, ca) {
  const dispatcher = new Agent({ connect: { ca }, keepAliveTimeout: 1_000 });
  /** @param {'GET' | 'PUT' | 'POST'} method @param {string} path @param {unknown} [body] */
  const call = async (method, path, body) => {
    const response = await request(`${url}${path}`, {
      method,
      dispatcher,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`simulator ${method} ${path}: ${response.statusCode} ${text}`);
    return JSON.parse(text);
  };
  return {
    /** @returns {Promise<{ connectionsAccepted: number, tlsHandshakes: number, requestsReceived: number, [key: string]: unknown }>} */
    stats: () => call('GET', '/__simulator/stats'),
    /** @param {import('../simulator/faults').FaultSettings} settings */
    setFaults: (settings) => call('PUT', '/__simulator/faults', settings),
    /** @param {number} ms */
    outage: (ms) => call('POST', '/__simulator/outage', { ms }),
    close: () => dispatcher.close(),
  };
}

/**
 * Reads `button_breaker_state` (0 closed, 1 open, 2 half-open) from the plugin's metrics route.
 * @param {string} baseUrl the playground's base URL
 * @param {string} token an API token with the metrics scrape permission
 * @returns {Promise<number | 'n/a'>} 'n/a' when the route or the gauge does not exist (yet)
 */
async function scrapeBreakerState(baseUrl, token) {
  const text = await scrapeMetrics(baseUrl, token);
  return text === undefined ? 'n/a' : parseBreakerState(text);
}

/**
 * The plugin's metrics route as Prometheus text, or undefined when it cannot be read (route absent, error).
 * @param {string} baseUrl
 * @param {string} token
 * @returns {Promise<string | undefined>}
 */
async function scrapeMetrics(baseUrl, token) {
  try {
    const response = await request(`${baseUrl}/api/button-personalization/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      headersTimeout: 2_000,
      bodyTimeout: 2_000,
    });
    const text = await response.body.text();
    return response.statusCode === 200 ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param {string} exposition Prometheus text format
 * @returns {number | 'n/a'}
 */
function parseBreakerState(exposition) {
  const match = /^button_breaker_state(?:\{[^}]*\})?\s+(\d+(?:\.\d+)?)\s*$/m.exec(exposition);
  return match ? Number(match[1]) : 'n/a';
}

/**
 * The breaker's last time to open and its reason, from `button_breaker_time_to_open_seconds{reason}`.
 * @param {string} exposition Prometheus text format
 * @returns {{ timeToOpenMs: number, reason: string } | undefined}
 */
function parseTimeToOpen(exposition) {
  const match = /^button_breaker_time_to_open_seconds\{reason="([^"]*)"\}\s+(\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/m.exec(exposition);
  return match ? { reason: String(match[1]), timeToOpenMs: Number(match[2]) * 1000 } : undefined;
}

/**
 * @param {string} baseUrl
 * @param {string} token
 */
async function scrapeTimeToOpen(baseUrl, token) {
  const text = await scrapeMetrics(baseUrl, token);
  return text === undefined ? undefined : parseTimeToOpen(text);
}

module.exports = { simulatorControl, scrapeMetrics, scrapeBreakerState, parseBreakerState, parseTimeToOpen, scrapeTimeToOpen };
