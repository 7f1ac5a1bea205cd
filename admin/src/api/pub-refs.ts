import type {
  PubRefBuildRequest,
  PubRefBuildResponse,
  PubRefDecodeRequest,
  PubRefDecodeResponse,
} from '../../../server/src/contracts/admin';
import { adminPath, useApiMutation } from './request';

export function useDecodePubRef() {
  return useApiMutation(async ({ post }, body: PubRefDecodeRequest) => {
    const { data } = await post<PubRefDecodeResponse>(adminPath('/pub-refs/decode'), body);
    return data.data;
  });
}

export function useBuildPubRef() {
  return useApiMutation(async ({ post }, body: PubRefBuildRequest) => {
    const { data } = await post<PubRefBuildResponse>(adminPath('/pub-refs/build'), body);
    return data.data;
  });
}
