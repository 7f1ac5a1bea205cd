import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sanitiseJson } from './sanitise';

/**
 * Button's webhook body, validated at the edge. Only the fields the ledger uses are checked; Button may add
 * fields at any time, so unknown ones are accepted (and kept in the stored payload).
 */

export const TRANSACTION_EVENT_TYPES = ['tx-pending', 'tx-validated', 'tx-declined'] as const;
export const TRANSACTION_STATUSES = ['pending', 'validated', 'declined'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];
export type TransactionEventType = (typeof TRANSACTION_EVENT_TYPES)[number];

/**
 * The ids the ledger keys on (unique indexes) must mean the same to every database: MariaDB's default
 * collations ignore trailing spaces and accents, and PostgreSQL refuses NUL. Button's ids are printable ASCII
 * (`hook-...`, `tx-...`), so anything else is refused with 400 (permanently invalid: Button stops retrying).
 */
const key = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');

export const envelopeSchema = z.looseObject({
  id: key,
  event_type: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  request_id: z.string().max(255).nullish(),
  data: z.unknown(),
});

const text = (max: number) => z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`).nullish();
// Money is an integer in the currency's minor unit; anything else would be stored wrong, so it is refused.
const minorUnits = z.int({ error: 'must be an integer (minor units)' }).min(-2_147_483_648).max(2_147_483_647).nullish();
// Within what every database's datetime column holds (MariaDB: years 1000 to 9999) and what Button can send.
const MIN_DATE_MS = Date.UTC(1970, 0, 1);
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
const date = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time', abort: true }).refine((value) => {
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= MIN_DATE_MS && ms <= MAX_DATE_MS;
}, 'must be a date between 1970 and 9999');

export const transactionSchema = z.looseObject({
  id: key,
  status: z.enum(TRANSACTION_STATUSES, { error: `must be one of ${TRANSACTION_STATUSES.join(', ')}` }),
  category: text(64),
  amount: minorUnits,
  currency: text(8),
  order_total: minorUnits,
  order_currency: text(8),
  pub_ref: text(512),
  publisher_customer_id: text(255),
  button_order_id: text(255),
  order_id: text(255),
  commerce_organization: text(255),
  created_date: date.nullish(),
  // Ordering depends on it: a transaction without one cannot be placed, so it is refused (400).
  modified_date: date,
  validated_date: date.nullish(),
  attribution_date: date.nullish(),
});

export type WebhookTransaction = z.output<typeof transactionSchema>;

/** Where an event came from: Button's webhook, or a reconciliation run reading Button's Transactions API. */
export type EventSource = 'webhook' | 'reconciliation';

/** What every event carries about the bytes received. */
interface Received {
  /** Absent means a webhook. */
  source?: EventSource;
  /** The body as a database can store it (see `sanitise.ts`): the original, unless `sanitised`. */
  body: Record<string, unknown>;
  /** Whether `body` differs from what was received. */
  sanitised: boolean;
  /** Hex SHA-256 of the exact bytes received (what Button signed). */
  payloadSha256: string;
}

export type WebhookEvent =
  | ({
      kind: 'transaction';
      id: string;
      eventType: TransactionEventType;
      requestId: string | null;
      transaction: WebhookTransaction;
    } & Received)
  | ({ kind: 'unknown'; id: string; eventType: string; requestId: string | null } & Received);

export interface PayloadIssue {
  path: string[];
  message: string;
  name: 'ValidationError';
}

export type PayloadParse = { success: true; event: WebhookEvent } | { success: false; message: string; issues: PayloadIssue[] };

/**
 * Parses the raw (already signature-checked) bytes. Issues name fields, never their values. Everything after
 * JSON.parse works on the sanitised copy, so the columns get the same storable strings as the stored payload.
 */
export function parseWebhookBody(raw: Buffer): PayloadParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return { success: false, message: 'The body is not valid JSON', issues: [] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { success: false, message: 'The body must be a JSON object', issues: [] };
  }
  const { value: json, changed: sanitised } = sanitiseJson(parsed);
  parsed = undefined; // the original may be thousands of levels deep: nothing below may walk it
  const received = { sanitised, payloadSha256: createHash('sha256').update(raw).digest('hex') };
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { success: false, message: 'Invalid webhook event', issues: toIssues(envelope.error, []) };
  const { id, event_type: eventType, request_id: requestId = null } = envelope.data;
  const body = json as Record<string, unknown>;
  if (!(TRANSACTION_EVENT_TYPES as readonly string[]).includes(eventType)) {
    return { success: true, event: { kind: 'unknown', id, eventType, requestId: requestId ?? null, body, ...received } };
  }
  const transaction = transactionSchema.safeParse(envelope.data.data);
  if (!transaction.success)
    return { success: false, message: 'Invalid webhook event', issues: toIssues(transaction.error, ['data']) };
  return {
    success: true,
    event: {
      kind: 'transaction',
      id,
      eventType: eventType as TransactionEventType,
      requestId: requestId ?? null,
      transaction: transaction.data,
      body,
      ...received,
    },
  };
}

function toIssues(error: z.ZodError, prefix: string[]): PayloadIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)],
    message: issue.message,
    name: 'ValidationError',
  }));
}
