import type { PubRefBuildRequest, PubRefBuildResponse, PubRefDecodeResponse } from '../../../server/src/contracts/admin';
import { adminPath, useApiMutation } from './request';

export function useDecodePubRef() {
  return useApiMutation(async ({ post }, pubRef: string) => {
    const { data } = await post<PubRefDecodeResponse>(adminPath('/pub-refs/decode'), { pub_ref: pubRef });
    return data.data;
  });
}

export function useBuildPubRef() {
  return useApiMutation(async ({ post }, body: PubRefBuildRequest) => {
    const { data } = await post<PubRefBuildResponse>(adminPath('/pub-refs/build'), body);
    return data.data;
  });
}
