// @ts-check
'use strict';

/**
 * The load generator: an OPEN-loop, fixed-rate sender (wrk2-style). Request i is due at start + i / rate; it is
 * sent then (or as soon as the event loop allows) whatever happened to earlier requests, and its latency is
 * measured from its due time, so a stalled server cannot hide its stall by slowing the sender down
 * (coordinated omission).
 *
 * Why not autocannon's `-R`/`overallRate` (autocannon 8.0.0, lib/httpClient.js and lib/run.js): the rate is
 * split per connection and enforced as "at most N requests per one-second window", sent back to back at the
 * start of each window (bursts, not a fixed rate), and its correction calls
 * `recordValueWithExpectedInterval(latency, Math.ceil(1 / rate))` with the rate in requests per SECOND, i.e.
 * an expected interval of 1 ms: a 100 ms answer is recorded with 99 invented samples from 99 ms down to 1 ms.
 * bench/README.md shows the effect measured on the simulator.
 *
 * Bounded: exactly `rate * durationMs / 1000` requests, and a hard stop (`durationMs + timeoutMs + 2 s`) that
 * aborts whatever is still in flight (recorded as errors).
 */

const { setMaxListeners } = require('node:events');
const { Pool } = require('undici');

/**
 * @typedef {{
 *   origin: string,                 // http(s)://127.0.0.1:port
 *   path: string,
 *   method?: 'GET' | 'POST',
 *   headers?: Record<string, string>,
 *   body?: (index: number) => string,
 *   rate: number,                   // requests per second
 *   durationMs: number,
 *   connections?: number,           // sockets the generator may open (default 256): never the bottleneck
 *   timeoutMs?: number,             // per request (default 10 s)
 *   ca?: string,                    // PEM to trust (the simulator's test certificate)
 *   readAttempts?: boolean,         // parse JSON answers for the plugin's attempts count and error code
 * }} LoadOptions
 * @typedef {import('./stats').RequestRecord} RequestRecord
 * @typedef {{ records: RequestRecord[], elapsedMs: number, throughput: number, startedAt: number }} LoadResult
 */

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
async function runLoad(options) {
  const { rate, durationMs } = options;
  if (!(rate > 0) || !(durationMs > 0)) throw new TypeError('rate and durationMs must be positive');
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pool = new Pool(options.origin, {
    connections: options.connections ?? 256,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connect: options.ca ? { ca: options.ca } : undefined,
  });
  const stopAll = new AbortController();
  setMaxListeners(0, stopAll.signal); // one signal shared by every request of the run, on purpose
  /** @type {RequestRecord[]} */
  const records = new Array(total);
  const intervalMs = 1000 / rate;
  let sent = 0;
  let done = 0;
  const startedAt = Date.now();
  const start = performance.now();
  let lastEnd = start;

  /** @type {() => void} */
  let finished = () => undefined;
  const allDone = new Promise((resolve) => {
    finished = () => resolve(undefined);
  });

  /** @param {number} index */
  const fire = async (index) => {
    const due = start + index * intervalMs;
    /** @type {RequestRecord} */
    const record = { offsetMs: index * intervalMs, latencyMs: NaN, status: 0, attempts: -1 };
    try {
      const response = await pool.request({
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
        body: options.body?.(index),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: stopAll.signal,
      });
      record.status = response.statusCode;
      if (options.readAttempts) Object.assign(record, readAttempts(await response.body.text()));
      else await response.body.dump();
    } catch (error) {
      record.status = 0;
      record.code = /** @type {any} */ (error)?.code ?? 'ERROR';
    }
    const end = performance.now();
    lastEnd = Math.max(lastEnd, end);
    record.latencyMs = end - due;
    records[index] = record;
    done += 1;
    if (done === total) finished();
  };

  const tick = () => {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    while (sent < due) void fire(sent++);
    if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
  };
  tick();

  /** @type {NodeJS.Timeout | undefined} */
  let hardStop;
  const stopped = new Promise((resolve) => {
    hardStop = setTimeout(
      () => {
        stopAll.abort();
        resolve(undefined);
      },
      durationMs + timeoutMs + 2_000
    );
  });
  await Promise.race([allDone, stopped]);
  clearTimeout(hardStop);
  // After an abort every pending request settles at once; give them a moment, then fill what is left.
  if (done < total) await Promise.race([allDone, new Promise((resolve) => setTimeout(resolve, 1_000))]);
  for (let i = 0; i < total; i += 1) {
    records[i] ??= {
      offsetMs: i * intervalMs,
      latencyMs: performance.now() - (start + i * intervalMs),
      status: 0,
      attempts: -1,
      code: 'NOT_SENT',
    };
  }
  await pool.destroy().catch(() => undefined);
  const elapsedMs = lastEnd - start;
  return {
    records,
    elapsedMs,
    throughput: (records.filter((r) => r.status !== 0).length * 1000) / Math.max(1, elapsedMs),
    startedAt,
  };
}

/**
 * The plugin's answers carry the number of upstream calls: `meta.attempts` on success,
 * `error.details.attempts` (and `code`) on failure; successes also carry `meta.upstream_ms`, the time the plugin
 * itself measured on Button (retries included), which splits the plugin's latency into upstream and the rest.
 * @param {string} text
 * @returns {{ attempts: number, code?: string, upstreamMs?: number }}
 */
function readAttempts(text) {
  try {
    const body = JSON.parse(text);
    if (typeof body?.meta?.attempts === 'number') {
      return typeof body.meta.upstream_ms === 'number'
        ? { attempts: body.meta.attempts, upstreamMs: body.meta.upstream_ms }
        : { attempts: body.meta.attempts };
    }
    const details = body?.error?.details;
    if (typeof details?.attempts === 'number') return { attempts: details.attempts, code: details.code };
    return { attempts: -1, code: details?.code };
  } catch {
    return { attempts: -1 };
  }
}

module.exports = { runLoad, readAttempts };
