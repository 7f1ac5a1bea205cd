import type { ErrorResponse } from '../contracts/offers';
import { errorEnvelope } from '../utils/error-envelope';
import { checkWebhookSignature } from './signature';
import { parseWebhookBody, type WebhookEvent } from './payload';

/**
 * The webhook endpoint's decisions, from raw bytes to an HTTP answer: no Strapi import, dependencies passed in.
 * What Button needs: 2xx only once the event is durably stored (or known), 401 for a bad signature, 400 for a
 * body that will never be usable (Button stops retrying those), 5xx when storage failed (Button retries).
 */

export type RecordOutcome = 'applied' | 'stale' | 'conflict' | 'ignored' | 'duplicate';

export interface WebhookAnswer {
  status: number;
  body: WebhookSuccessBody | WebhookErrorBody;
}

export interface WebhookSuccessBody {
  data: { event_id: string; event_type: string; transaction_id: string | null; outcome: RecordOutcome };
}

/** Strapi's error envelope, the one every plugin route answers with. */
export type WebhookErrorBody = ErrorResponse;

export interface WebhookDeps {
  webhookSecret: string | undefined;
  record(event: WebhookEvent): Promise<RecordOutcome>;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

export async function handleWebhook(
  raw: Buffer,
  signatureHeader: string | string[] | undefined,
  deps: WebhookDeps
): Promise<WebhookAnswer> {
  if (deps.webhookSecret === undefined) {
    deps.log.error('webhook refused: BUTTON_WEBHOOK_SECRET is not set, so no signature can be checked (Button will retry)');
    return errorAnswer(503, 'ServiceUnavailableError', 'Webhooks are not configured on this server');
  }
  const signature = checkWebhookSignature(raw, signatureHeader, deps.webhookSecret);
  if (!signature.valid) {
    deps.log.warn(`webhook refused: ${signature.reason} X-Button-Signature (${raw.length} bytes)`);
    const message = signature.reason === 'missing' ? 'Missing X-Button-Signature header' : 'Invalid X-Button-Signature';
    return errorAnswer(401, 'UnauthorizedError', message, { reason: signature.reason });
  }

  const parsed = parseWebhookBody(raw);
  if (!parsed.success) {
    deps.log.warn(`webhook refused: ${parsed.message}`);
    return errorAnswer(400, 'ValidationError', parsed.message, parsed.issues.length > 0 ? { errors: parsed.issues } : {});
  }

  const event = parsed.event;
  const transactionId = event.kind === 'transaction' ? event.transaction.id : null;
  let outcome: RecordOutcome;
  try {
    outcome = await deps.record(event);
  } catch (error) {
    deps.log.error(`webhook ${event.id} (${event.eventType}) could not be stored, Button will retry: ${describe(error)}`);
    return errorAnswer(500, 'InternalServerError', 'The webhook could not be stored; retry later');
  }
  if (event.kind === 'unknown')
    deps.log.warn(
      `webhook ${event.id}: unknown event type "${event.eventType}", acknowledged and logged, not stored as a transaction`
    );
  else deps.log.info(`webhook ${event.id} (${event.eventType}) for ${transactionId}: ${outcome}`);
  return {
    status: 200,
    body: { data: { event_id: event.id, event_type: event.eventType, transaction_id: transactionId, outcome } },
  };
}

export function errorAnswer(status: number, name: string, message: string, details: Record<string, unknown> = {}): WebhookAnswer {
  return { status, body: errorEnvelope(status, name, message, details) };
}

/** A database error's class and code only: its message may quote the values that were being written. */
function describe(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const { name, code } = error as { name?: unknown; code?: unknown };
  return [
    typeof name === 'string' ? name : 'Error',
    typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}
