import type { HealthResponse } from '../../../server/src/contracts/admin';
import { adminPath, useApiQuery } from './request';

/** The health snapshot, refreshed every few seconds while the page is open. */
export function useHealth(pollMs = 5_000) {
  return useApiQuery(
    'health',
    async ({ get }) => {
      const { data } = await get<HealthResponse>(adminPath('/health'));
      return data.data;
    },
    { pollMs }
  );
}
