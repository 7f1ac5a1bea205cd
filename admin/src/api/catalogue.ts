import type {
  CatalogueEntryResponse,
  CatalogueIconPreviewResponse,
  CatalogueIconResponse,
  CatalogueListQuery,
  CatalogueListResponse,
  CatalogueSyncNowResponse,
  CatalogueSyncsResponse,
} from '../../../server/src/contracts/admin';
import { pollWhileRunning } from './jobs';
import { adminPath, useApiMutation, useApiQuery } from './request';

export type CatalogueSyncs = Pick<CatalogueSyncsResponse, 'data' | 'meta'>;

/** The mapping workspace: stored brands with their entries per locale, the orphaned entries and counts; read again when `refreshKey` changes. */
export function useCatalogue(query: CatalogueListQuery, refreshKey = 0) {
  return useApiQuery(JSON.stringify([query, refreshKey]), async ({ get }) => {
    // `offered` goes on the wire as 'true' / 'false'; empty filters are left out.
    const params = Object.fromEntries(
      Object.entries(query)
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([key, value]) => [key, String(value)])
    );
    const { data } = await get<CatalogueListResponse>(adminPath('/catalogue'), { params });
    return data;
  });
}

/** The last syncs and whether syncs are configured and scheduled; read every 2 s while one runs, never otherwise. */
export function useCatalogueSyncs() {
  return useApiQuery(
    'catalogue-syncs',
    async ({ get }): Promise<CatalogueSyncs> => {
      const { data } = await get<CatalogueSyncsResponse>(adminPath('/catalogue/syncs'), { params: { limit: 5 } });
      return { data: data.data, meta: data.meta };
    },
    { pollMs: pollWhileRunning((syncs: CatalogueSyncs) => syncs.data) }
  );
}

/** Sync now: 202 with the sync; 409 (RUNNING) or 400 (NOT_CONFIGURED) as an ApiError. */
export function useSyncCatalogue() {
  return useApiMutation(async ({ post }, _input: void) => {
    const { data } = await post<CatalogueSyncNowResponse>(adminPath('/catalogue/syncs'));
    return data.data;
  });
}

/** A draft merchant-offer prefilled from the catalogue (201), or the existing entry (200). */
export function useCreateCatalogueEntry() {
  return useApiMutation(async ({ post }, merchantId: string) => {
    const { data } = await post<CatalogueEntryResponse>(adminPath(`/catalogue/${encodeURIComponent(merchantId)}/entry`));
    return data.data;
  });
}

/** The brand's icon, downloaded by the server, into the Media Library (and the entry's logo when there is one). */
export function useImportIcon() {
  return useApiMutation(async ({ post }, merchantId: string) => {
    const { data } = await post<CatalogueIconResponse>(adminPath(`/catalogue/${encodeURIComponent(merchantId)}/icon`));
    return data.data;
  });
}

/**
 * The brand's icon as a data URL served by the plugin (GET /catalogue/brands/:merchantId/icon: Strapi's default CSP
 * blocks Button's icon host), or undefined while it loads, for a brand without an icon, and when the server refused
 * it. Read again when the catalogue stores a new icon URL; the browser keeps the answer and revalidates it (ETag).
 */
export function useBrandIconSrc(merchantId: string, iconUrl: string | null): string | undefined {
  const icon = useApiQuery(`icon:${merchantId}:${iconUrl ?? ''}`, async ({ get }) => {
    if (!iconUrl) return undefined;
    const { data } = await get<CatalogueIconPreviewResponse>(
      adminPath(`/catalogue/brands/${encodeURIComponent(merchantId)}/icon`)
    );
    return data.data.data_url;
  });
  // Never the previous brand's icon while this one loads, nor after this one failed.
  return icon.isLoading || icon.error ? undefined : icon.data;
}
