import fs from 'node:fs';
import { parsePluginConfig, type PluginConfig, type PluginConfigInput } from '../../server/src/config/schema';
import { createButtonSimulator, offersFor, MERCHANTS, TEST_CA_PATH } from '../../simulator';

export { offersFor, MERCHANTS, TEST_CA_PATH };
export type Simulator = ReturnType<typeof createButtonSimulator>;
export const SIM_API_KEY = 'sim_test_key_3f9a7c';

export async function startSimulator(options: { tls?: boolean; apiKey?: string } = {}): Promise<Simulator> {
  const sim = createButtonSimulator({ apiKey: options.apiKey ?? SIM_API_KEY, tls: options.tls ?? false });
  await sim.start();
  return sim;
}

/** The first test user id the simulator gives offers from every catalogue merchant. */
export function userWithEveryMerchant(prefix = 'user'): string {
  for (let i = 1; i < 10_000; i += 1) {
    const userId = `${prefix}-${i}`;
    if (offersFor(userId).length === MERCHANTS.length) return userId;
  }
  throw new Error('no such user in the first 10,000 ids');
}

/** Polls a condition (for socket state that settles asynchronously); never used to assert timings. */
export async function eventually(check: () => boolean, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met');
}

/**
 * Client timeouts with room, for tests that count connections or calls: time is not what they are about, and on a
 * loaded machine an attempt can outlast the default 800 ms, its retry's new connection then counted as one the pool
 * chose to open (CI once saw 8 connections and 14 calls for 4 and 12).
 */
export const ROOMY_TIMEOUTS = { connectMs: 10_000, attemptMs: 30_000, deadlineMs: 60_000 };

/** Plugin config pointing at a simulator (trusting its test certificate), with quick retries for tests. */
export function clientConfigFor(sim: Simulator, overrides: PluginConfigInput = {}): PluginConfig {
  return parsePluginConfig({
    apiKey: SIM_API_KEY,
    baseUrl: sim.url,
    tls: { ca: fs.readFileSync(TEST_CA_PATH, 'utf8') },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  });
}
