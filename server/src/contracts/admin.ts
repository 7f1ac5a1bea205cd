/**
 * The admin API's shapes (routes under /button-personalization), as the admin panel reads them.
 *
 * One definition each: a shape the server builds is derived here from the module that builds it (`import type`
 * only), so a server change breaks the admin's compile instead of rendering "undefined". Shapes that exist only
 * on the wire (the merchant row, pagination, query strings) are defined here and the server imports them.
 * Type-only: the admin must never import server runtime code (it would pull Node modules into the bundle).
 */
import type { CircuitBreaker } from '../button-client/breaker';
import type { commissionTotals, CommissionListField } from '../commissions/reads';
import type { HealthService } from '../health/service';
import type { EventRow, StoredTransactionRow } from '../commissions/ledger/record';
import type { MerchantsService } from '../merchants/service';
import type { MerchantListQuery as ServerMerchantListQuery } from '../merchants/service';
import type { DecodedPubRef } from '../pub-ref/codec';
import type { PubRefBuildInput, PubRefDecodeInput } from '../pub-ref/controller';
import type { SettingsService } from '../settings/service';
import type { RecordOutcome } from '../commissions/ledger/store';

export type { BreakerState } from '../button-client/breaker';
export type { PoolStats } from '../button-client/transport';
export type { DecodedPubRef, PubRefSignature } from '../pub-ref/codec';
export type { ShownRate } from '../pub-ref/format';
export type { PubRefStatus } from '../commissions/ledger/record';
export type { TransactionStatus as CommissionStatus } from '../commissions/intake/payload';
export type { RuntimeSettings as RuntimeSettingsInput } from '../settings/runtime-settings';
export type { RecentCallsSnapshot as HealthUpstream } from '../health/recent-calls';
export type { RecordOutcome } from '../commissions/ledger/store';
export type { ReconciliationRun } from '../commissions/reconciliation';
export type { ErasureResult } from '../commissions/erasure';
export type { WebhookErrorBody, WebhookSuccessBody } from '../commissions/intake/handle';
export type { ErrorResponse } from './offers';
export type { ValidationIssue } from '../utils/validation';

/** What JSON makes of a server value: dates travel as ISO 8601 strings. */
export type Json<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer Item>
    ? Array<Json<Item>>
    : T extends object
      ? { [Key in keyof T]: Json<T[Key]> }
      : T;

// --- Merchants -------------------------------------------------------------------------------------------------

export type MappingStatus = 'mapped' | 'unmapped' | 'orphaned';

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}

export interface MerchantEntrySummary {
  document_id: string;
  merchant_id: string;
  name: string;
  locales: string[];
  live: boolean;
}

export interface MerchantRow {
  merchant_id: string;
  status: MappingStatus;
  first_seen_at: string | null;
  last_seen_at: string | null;
  entry: MerchantEntrySummary | null;
}

/** GET /merchants: the service's query, with the page defaults the controller fills in left optional. */
export type MerchantListQuery = Omit<ServerMerchantListQuery, 'page' | 'pageSize'> &
  Partial<Pick<ServerMerchantListQuery, 'page' | 'pageSize'>>;

export type MerchantListResponse = Awaited<ReturnType<MerchantsService['list']>>;

export interface DraftResponse {
  data: Awaited<ReturnType<MerchantsService['createDraft']>>;
}

// --- pubRefs and commissions -----------------------------------------------------------------------------------

/** A ledger transaction as the Commissions list shows it (the columns `commissions/queries.ts` selects). */
export type CommissionRow = Json<Pick<StoredTransactionRow, CommissionListField>>;

/** The ledger rows the pubRef debugger lists (`pub-ref/controller.ts` selects these columns). */
export type PubRefTransactionRow = Pick<
  CommissionRow,
  | 'transaction_id'
  | 'status'
  | 'amount'
  | 'currency'
  | 'commerce_organization'
  | 'pub_ref_status'
  | 'pub_ref_stale'
  | 'conflict_count'
  | 'modified_date'
>;

export type PubRefDecodeRequest = PubRefDecodeInput;

export interface PubRefDecodeResponse {
  data: {
    pub_ref: string;
    user_id: string | null;
    decoded: DecodedPubRef;
    transactions: PubRefTransactionRow[];
  };
}

export type PubRefBuildRequest = PubRefBuildInput;

export interface PubRefBuildResponse {
  data: {
    pub_ref: string;
    user_id: string;
    length: number;
    max_length: number;
    decoded: DecodedPubRef;
  };
}

export type CommissionTotals = Awaited<ReturnType<typeof commissionTotals>>;
export type CommissionTotalsGroup = CommissionTotals['by_status'][number];

/** GET /commissions: the query string the controller validates (dates as YYYY-MM-DD). */
export interface CommissionListQuery {
  status?: StoredTransactionRow['status'];
  /** Only transactions with at least one conflicting event. */
  conflicts?: boolean;
  /** Only transactions carrying this click id. */
  click_id?: string;
  brand?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface CommissionListResponse {
  data: CommissionRow[];
  meta: { pagination: Pagination; totals: CommissionTotals };
}

/** A stored webhook event; `duplicate` is an answer to Button, never stored. */
export type WebhookEventRow = Json<EventRow> & {
  outcome: Exclude<RecordOutcome, 'duplicate'>;
  createdAt?: string | null;
};

export interface CommissionDetailResponse {
  data: {
    /** `click_id_transactions`: how many OTHER transactions carry the same click id (reuse of one served offer). */
    transaction: Json<StoredTransactionRow> & { click_id_transactions: number } & Record<string, unknown>;
    events: WebhookEventRow[];
  };
}

// --- Health and settings ---------------------------------------------------------------------------------------

export type BreakerSnapshot = ReturnType<CircuitBreaker['snapshot']>;

export type HealthSnapshot = Json<ReturnType<HealthService['snapshot']>>;

export interface HealthResponse {
  data: HealthSnapshot;
}

export type SettingsDescription = Json<ReturnType<SettingsService['describe']>>;

export interface SettingsResponse {
  data: SettingsDescription;
}

// --- reconciliation, erasure --------------------------------------------------------------------------------------

/** GET /reconciliation: whether it is configured, its schedule, and the last runs (newest first). */
export interface ReconciliationResponse {
  data: {
    accountId: string | null;
    /** The cron rule, or null when not scheduled (no account, or an empty schedule). */
    schedule: string | null;
    windowHours: number;
    configured: boolean;
    runs: import('../commissions/reconciliation').ReconciliationRun[];
  };
}

/** POST /reconciliation/runs: 202 with the run just started; 409 (`details.code` RUNNING) when one is running. */
export interface ReconcileNowResponse {
  data: import('../commissions/reconciliation').ReconciliationRun;
}

/** GET /reconciliation/accounts: the Button accounts the API key sees. */
export interface ButtonAccountsResponse {
  data: Array<{ id: string; name: string | null; currency: string | null }>;
}

/** POST /erasure `{ user_id }`: what was anonymised. */
export interface ErasureResponse {
  data: import('../commissions/erasure').ErasureResult;
}

// --- brand catalogue ----------------------------------------------------------------------------------------------

export type { BrandMapping, CatalogueRow, CatalogueSync, LocaleState, OrphanedEntry, StoredBrand } from '../catalogue';
export type { MediaFile } from '../catalogue/media';
export type { IconRefusal } from '../catalogue/icon';

/**
 * GET /catalogue: the query string (`offered` as 'true' / 'false' on the wire), with the page defaults the
 * controller fills in left optional.
 */
export interface CatalogueListQuery {
  q?: string;
  mapping?: import('../catalogue').BrandMapping;
  status?: 'partnered' | 'removed';
  offered?: boolean;
  page?: number;
  pageSize?: number;
}

/** GET /catalogue: the brands with their mapping per locale, the orphaned entries, counts and the last sync. */
export type CatalogueListResponse = Json<Awaited<ReturnType<import('../catalogue').CatalogueService['list']>>>;

/** GET /catalogue/brands/:merchantId */
export interface CatalogueBrandResponse {
  data: import('../catalogue').StoredBrand;
}

/**
 * GET /catalogue/brands/:merchantId/icon: the brand's icon as a data URL (allowed by Strapi's default CSP); a refusal
 * answers the import's status and `details.code` (IconRefusal).
 */
export interface CatalogueIconPreviewResponse {
  data: import('../catalogue/icon-preview').IconPreview;
}

/** GET /catalogue/syncs: the newest syncs first; `meta` says whether and when syncs are scheduled. */
export interface CatalogueSyncsResponse {
  data: import('../catalogue').CatalogueSync[];
  meta: ReturnType<import('../catalogue').CatalogueService['syncStatus']>;
}

/**
 * POST /catalogue/syncs: 202 with the sync just started; 409 (`details.code` RUNNING) when one is running; 400
 * (`details.code` NOT_CONFIGURED) without an API key.
 */
export interface CatalogueSyncNowResponse {
  data: import('../catalogue').CatalogueSync;
}

/** POST /catalogue/:merchantId/entry: 201 with the new draft, 200 with the existing entry; 403 without the CM permission. */
export type CatalogueEntryResponse = DraftResponse;

/**
 * POST /catalogue/:merchantId/icon: 201 with the Media Library file and the entry whose logo it became (or null).
 * Refusals, in Strapi's envelope with `details.code`: 404 ICON_MISSING, 413 ICON_TOO_LARGE, 415 ICON_TYPE_REFUSED,
 * 422 ICON_CONTENT_MISMATCH, 502 ICON_UNREACHABLE.
 */
export interface CatalogueIconResponse {
  data: { file: import('../catalogue/media').MediaFile; assigned_document_id: string | null };
}
