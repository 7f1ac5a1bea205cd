import type { OffersRequestBody, OffersResponse } from '../../../server/src/contracts/offers';
import { adminPath, useApiMutation } from './request';

/** Runs the public offers endpoint's logic for a user, calling Button for real (no cache). */
export function usePreview() {
  return useApiMutation(async ({ post }, body: OffersRequestBody) => {
    const { data } = await post<OffersResponse>(adminPath('/preview'), body);
    return data;
  });
}
