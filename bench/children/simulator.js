// @ts-check
'use strict';

/**
 * Child-process entry: the Button simulator over HTTPS for the benchmark. Reports its URL to the parent over
 * IPC and exits when the parent goes away (even if the parent was killed without cleaning up).
 *   BENCH_SIM_API_KEY: the key it accepts; BENCH_SIM_PROFILE: a latency profile (simulator/profiles.js).
 */

const { createButtonSimulator, latencyProfile } = require('../../simulator');

async function main() {
  // Idle connections are kept like a load-balanced API (AWS ALB: 60 s) rather than Node's 5 s, so the soak measures
  // the plugin's own idle timeout (pool.keepAliveTimeoutMs, 30 s), not the server's.
  const sim = createButtonSimulator({ apiKey: process.env.BENCH_SIM_API_KEY, tls: true, keepAliveTimeoutMs: 65_000 });
  sim.faults.set({ latency: latencyProfile(process.env.BENCH_SIM_PROFILE ?? 'zero') });
  const url = await sim.start({ host: '127.0.0.1', port: 0 });
  const stop = () => sim.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  process.send?.({ type: 'ready', url });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
