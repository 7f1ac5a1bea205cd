import type { CommissionDetailResponse, CommissionListQuery, CommissionListResponse } from '../../../server/src/contracts/admin';
import { adminPath, useApiQuery } from './request';

export function useCommissions(query: CommissionListQuery) {
  return useApiQuery(JSON.stringify(query), async ({ get }) => {
    const { data } = await get<CommissionListResponse>(adminPath('/commissions'), { params: query });
    return data;
  });
}

export function useCommission(transactionId: string) {
  return useApiQuery(transactionId, async ({ get }) => {
    const { data } = await get<CommissionDetailResponse>(adminPath(`/commissions/${encodeURIComponent(transactionId)}`));
    return data.data;
  });
}
