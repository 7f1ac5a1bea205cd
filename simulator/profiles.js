// @ts-check
'use strict';

/**
 * Named latency profiles for the benchmark and the CLI (`SIMULATOR_PROFILE`).
 * `button` follows Button's published ~100 ms average for the Offers API, with a uniform +/-20 ms jitter.
 * @type {Readonly<Record<string, Readonly<import('./faults').Latency>>>}
 */
const LATENCY_PROFILES = Object.freeze({
  zero: Object.freeze({ meanMs: 0, jitterMs: 0 }),
  button: Object.freeze({ meanMs: 100, jitterMs: 20 }),
});

/**
 * @param {string} name
 * @returns {import('./faults').Latency}
 */
function latencyProfile(name) {
  const profile = LATENCY_PROFILES[name];
  if (profile === undefined)
    throw new TypeError(`unknown latency profile "${name}" (known: ${Object.keys(LATENCY_PROFILES).join(', ')})`);
  return { ...profile };
}

module.exports = { LATENCY_PROFILES, latencyProfile };
