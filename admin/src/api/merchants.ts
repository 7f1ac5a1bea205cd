import type { DraftResponse, MerchantListQuery, MerchantListResponse } from '../../../server/src/contracts/admin';
import { PLUGIN_ID } from '../pluginId';
import { adminPath, useApiMutation, useApiQuery } from './request';

const MERCHANT_OFFER_UID = `plugin::${PLUGIN_ID}.merchant-offer`;

export function useMerchants(query: MerchantListQuery) {
  return useApiQuery(JSON.stringify(query), async ({ get }) => {
    const { data } = await get<MerchantListResponse>(adminPath('/merchants'), { params: query });
    return data;
  });
}

/** Creates (or finds) the draft entry for an unmapped merchant. */
export function useCreateDraft() {
  return useApiMutation(async ({ post }, merchantId: string) => {
    const { data } = await post<DraftResponse>(adminPath(`/merchants/${encodeURIComponent(merchantId)}/draft`));
    return data.data;
  });
}

/** The Content Manager's edit view for a merchant-offer entry (an admin route, not an API URL). */
export const contentManagerEditPath = (documentId: string) =>
  `/content-manager/collection-types/${MERCHANT_OFFER_UID}/${documentId}`;
