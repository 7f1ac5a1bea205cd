import { FetchError } from '@strapi/strapi/admin';
import type {
  ButtonAccountsResponse,
  CommissionListQuery,
  ErasureResponse,
  ReconcileNowResponse,
  ReconciliationResponse,
} from '../../../server/src/contracts/admin';
import { attachmentName } from '../utils/attachment';
import { pollWhileRunning } from './jobs';
import { adminPath, useApiMutation, useApiQuery } from './request';

type FetchErrorResponse = ConstructorParameters<typeof FetchError>[1];

export type ReconciliationStatus = ReconciliationResponse['data'];

/** The reconciliation's configuration and last runs, read again every 2 s while a run is running, never otherwise. */
export function useReconciliation() {
  return useApiQuery(
    'reconciliation',
    async ({ get }) => {
      const { data } = await get<ReconciliationResponse>(adminPath('/reconciliation'));
      return data.data;
    },
    { pollMs: pollWhileRunning((status: ReconciliationStatus) => status.runs) }
  );
}

/** Starts a run now: 202 with the run; 409 (RUNNING) or 400 (NO_ACCOUNT, NOT_CONFIGURED) as an ApiError. */
export function useRunReconciliation() {
  return useApiMutation(async ({ post }, _input: void) => {
    const { data } = await post<ReconcileNowResponse>(adminPath('/reconciliation/runs'));
    return data.data;
  });
}

/** The Button accounts the API key sees (to know which id to configure). */
export function useButtonAccounts() {
  return useApiMutation(async ({ get }, _input: void) => {
    const { data } = await get<ButtonAccountsResponse>(adminPath('/reconciliation/accounts'));
    return data.data;
  });
}

/** Anonymises what the ledger holds about one end user. The id is sent once and never kept by the hook. */
export function useErasure() {
  return useApiMutation(async ({ post }, userId: string) => {
    const { data } = await post<ErasureResponse>(adminPath('/erasure'), { user_id: userId });
    return data.data;
  });
}

export type ExportFilters = Omit<CommissionListQuery, 'page' | 'pageSize'>;

export interface CsvFile {
  name: string;
  blob: Blob;
}

/**
 * The filtered ledger as CSV, through the admin's fetch client (it sends the admin JWT; a plain link would not).
 * A failed export is still read as Strapi's JSON envelope so the page can show the server's message.
 */
export function useCommissionsExport() {
  return useApiMutation(async ({ get }, filters: ExportFilters): Promise<CsvFile> => {
    const params = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== ''));
    const response = await get(adminPath('/commissions/export'), {
      params,
      responseType: 'blob',
      // 401 still throws, so the client refreshes the session and retries; others are read below.
      validateStatus: (status) => status !== 401,
    });
    if (response.status !== undefined && (response.status < 200 || response.status >= 300)) {
      throw await exportError(response.status, response.data);
    }
    return { name: attachmentName(response.headers?.get('Content-Disposition')), blob: response.data };
  });
}

/** A FetchError like the client's own, so `toApiError` reads the status and Strapi's message from the envelope. */
async function exportError(status: number, body: Blob): Promise<FetchError> {
  let envelope: { error?: { message?: unknown } } | undefined;
  try {
    envelope = JSON.parse(await body.text()) as typeof envelope;
  } catch {
    envelope = undefined; // not Strapi's envelope (a proxy's page): the status says enough
  }
  const message = typeof envelope?.error?.message === 'string' ? envelope.error.message : `Export failed (${status})`;
  const error = new FetchError(message, envelope?.error ? ({ data: envelope } as FetchErrorResponse) : undefined);
  error.status = status;
  return error;
}
