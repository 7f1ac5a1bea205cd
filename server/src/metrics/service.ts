import type { ButtonClient } from '../button-client/client';
import type { SharedStateMode } from '../shared-state';
import { createPluginMetrics, type LedgerOperations } from './registry';

export interface MetricsServiceDeps {
  /** Button's host, the `server_address` label. */
  baseUrl: string;
  /** The Button client if it exists yet: scrapes never create it. */
  client: () => Pick<ButtonClient, 'breakerState' | 'poolStats'> | undefined;
  /** The offers routes as clients call them (see utils/paths.ts): the only `http_route` labels. */
  offersRoutes: readonly string[];
  sharedMode?: () => SharedStateMode;
  ledger?: () => Promise<LedgerOperations>;
}

/** The plugin's metrics, reading the live client's state at scrape time. */
export function createMetricsService(deps: MetricsServiceDeps) {
  const serverAddress = new URL(deps.baseUrl).hostname;
  return createPluginMetrics({
    serverAddress: () => serverAddress,
    poolStats: () => deps.client()?.poolStats(),
    breakerState: () => deps.client()?.breakerState()?.state,
    offersRoutes: deps.offersRoutes,
    ...(deps.sharedMode === undefined ? {} : { sharedMode: deps.sharedMode }),
    ...(deps.ledger === undefined ? {} : { ledger: deps.ledger }),
  });
}

export type MetricsService = ReturnType<typeof createMetricsService>;
