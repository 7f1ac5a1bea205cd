/**
 * The admin API's response shapes (routes under /button-personalization), as the admin panel reads them.
 * Type-only: the server builds these objects in its controllers; the admin imports them with `import type`.
 */

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

export interface MerchantListResponse {
  data: MerchantRow[];
  meta: { counts: Record<MappingStatus | 'total', number>; pagination: Pagination };
}

export interface MerchantListQuery {
  search?: string;
  status?: MappingStatus;
  page?: number;
  pageSize?: number;
}

export interface DraftResponse {
  data: { document_id: string; created: boolean };
}

/** The rate a pubRef says the user was shown (every kind the codec produces). */
export type ShownRate =
  | { kind: 'percent'; value: string }
  | { kind: 'fixed'; value: string; currency: string | null }
  | { kind: 'none' }
  | { kind: 'unrepresentable' };

/** See `server/src/pub-ref/codec.ts`: `valid` means issued by this server to that very user, unchanged. */
export type PubRefSignature = 'valid' | 'invalid' | 'unsigned' | 'unverified' | 'unbound';

export type DecodedPubRef =
  | {
      ok: true;
      version: 1 | 2;
      clickId: string;
      offerId: string;
      rate: ShownRate;
      issuedAt: string | null;
      signature: PubRefSignature;
      tagValid: boolean;
    }
  | { ok: false; reason: 'absent' | 'not-a-plugin-pub-ref' };

export type PubRefStatus = PubRefSignature | 'unreadable' | 'absent';

export type CommissionStatus = 'pending' | 'validated' | 'declined';

export interface CommissionRow {
  transaction_id: string;
  status: CommissionStatus;
  category: string | null;
  amount: number | null;
  currency: string | null;
  order_total: number | null;
  order_currency: string | null;
  commerce_organization: string | null;
  pub_ref_status: PubRefStatus;
  pub_ref_stale?: boolean;
  /** Events that would have moved this final transaction to another status (recorded, not applied). */
  conflict_count: number;
  click_id: string | null;
  offer_id: string | null;
  rate_kind: string | null;
  rate_value: string | null;
  rate_currency: string | null;
  created_date: string | null;
  modified_date: string | null;
  validated_date: string | null;
}

export interface PubRefDecodeRequest {
  pub_ref: string;
  /** The user the pubRef is claimed for; without it a signed pubRef is `unverified`. */
  user_id?: string;
}

export interface PubRefDecodeResponse {
  data: { pub_ref: string; user_id: string | null; decoded: DecodedPubRef; transactions: CommissionRow[] };
}

export interface PubRefBuildRequest {
  /** The user the pubRef is issued to (the offers endpoint's user_id). */
  user_id: string;
  offer_id: string;
  rate_percent?: string;
  rate_fixed?: string;
  currency?: string;
}

export interface PubRefBuildResponse {
  data: { pub_ref: string; user_id: string; length: number; max_length: number; decoded: DecodedPubRef };
}

export interface CommissionTotalsGroup {
  key: string;
  count: number;
  /** Minor units per currency code. */
  amounts: Record<string, number>;
}

export interface CommissionListQuery {
  status?: CommissionStatus;
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
  meta: {
    pagination: Pagination;
    totals: { count: number; by_status: CommissionTotalsGroup[]; by_brand: CommissionTotalsGroup[] };
  };
}

export interface WebhookEventRow {
  event_id: string;
  event_type: string;
  request_id: string | null;
  transaction_id: string | null;
  status: CommissionStatus | null;
  modified_date: string | null;
  outcome: 'applied' | 'stale' | 'conflict' | 'ignored';
  payload_sanitised?: boolean;
  payload_sha256?: string | null;
  createdAt?: string | null;
}

export interface CommissionDetailResponse {
  data: {
    /** `click_id_transactions`: how many OTHER transactions carry the same click id (reuse of one served offer). */
    transaction: CommissionRow & { click_id_transactions: number } & Record<string, unknown>;
    events: WebhookEventRow[];
  };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface HealthSnapshot {
  config: { api_key_set: boolean; webhook_secret_set: boolean; pubref_secret_set: boolean; base_url: string };
  breaker: { state: BreakerState; requests: number; failures: number; nextProbeInMs: number | null } | null;
  pool: { connected: number; free: number; pending: number; queued: number; running: number; size: number } | null;
  upstream: {
    window_seconds: number;
    calls: number;
    errors: number;
    error_rate: number;
    p50_ms: number | null;
    p95_ms: number | null;
    p99_ms: number | null;
    series: Array<{ at: string; calls: number; errors: number; p50_ms: number | null; p95_ms: number | null }>;
    last_errors: Array<{ at: string; code: string; upstream_status: number | null; message: string }>;
  };
  webhook_url: string;
}

export interface HealthResponse {
  data: HealthSnapshot;
}

export interface RuntimeSettingsInput {
  includeUnmapped?: boolean;
  defaultHeadlineTemplate?: string;
}

export interface SettingsResponse {
  data: {
    /** The boot-time configuration; secrets appear as `{ set: boolean }`, never their values. */
    effective: Record<string, unknown>;
    runtime: RuntimeSettingsInput;
    offers: { includeUnmapped: boolean; defaultHeadlineTemplate: string };
  };
}
