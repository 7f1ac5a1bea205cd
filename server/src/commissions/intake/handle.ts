import type { ErrorResponse } from '../../contracts/offers';
import { errorEnvelope } from '../../utils/error-envelope';
import { checkWebhookSignature } from './signature';
import { parseWebhookBody, type WebhookEvent } from './payload';
import type { RecordOutcome } from '../ledger/store';
import { WEBHOOK_MIDDLEWARE_FIX, type CapturedBody } from './capture';
import type { RawBodyVerdict } from './check';
import { describeOption } from '../../config/option-names';

/**
 * The webhook endpoint's decisions, from raw bytes to an HTTP answer: no Strapi import, dependencies passed in.
 * What Button needs: 2xx only once the event is durably stored (or known), 401 for a bad signature, 400 for a
 * body that will never be usable (Button stops retrying those), 5xx when storage failed (Button retries).
 */

export interface WebhookAnswer {
  status: number;
  body: WebhookSuccessBody | WebhookErrorBody;
  headers?: Record<string, string>;
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
    deps.log.error(
      `webhook refused: ${describeOption('webhookSecret')} is not set, so no signature can be checked (Button will retry)`
    );
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

export interface CapturedWebhookDeps extends WebhookDeps {
  /** The boot check's verdict (check.ts): a failed check refuses every webhook. */
  rawBodyVerdict(): RawBodyVerdict;
  /** Once per process is enough to say what to fix. */
  warnedUnavailable: { value: boolean };
}

/**
 * What the route handler answers for what the capture (capture.ts) left: the exact bytes, or why there are
 * none. Fails closed: without the bytes Button signed, nothing can be verified, so 503 (Button retries).
 */
export async function handleCapturedWebhook(
  captured: CapturedBody | undefined,
  signatureHeader: string | string[] | undefined,
  deps: CapturedWebhookDeps
): Promise<WebhookAnswer> {
  const verdict = deps.rawBodyVerdict();
  if (captured === undefined || captured.kind === 'consumed' || verdict === 'missing' || verdict === 'altered') {
    if (!deps.warnedUnavailable.value) {
      const why =
        verdict === 'altered'
          ? 'the boot check found the raw request body altered before it reached the plugin'
          : verdict === 'missing' && captured?.kind === 'bytes'
            ? 'the boot check found the raw request body missing at the webhook route'
            : captured === undefined
              ? "the plugin's raw-body capture did not run for this request"
              : 'the raw request body was already consumed';
      deps.log.error(`webhook refused: ${why}. Fix: ${WEBHOOK_MIDDLEWARE_FIX}`);
    }
    deps.warnedUnavailable.value = true;
    return errorAnswer(503, 'ServiceUnavailableError', 'Webhook signature cannot be verified on this server');
  }
  if (captured.kind === 'too-large') {
    const answer = errorAnswer(413, 'PayloadTooLargeError', `The request body is larger than ${captured.limit} bytes`, {
      limit: captured.limit,
    });
    // The rest of the body was never read: the connection cannot carry another request.
    return { ...answer, headers: { Connection: 'close' } };
  }
  if (captured.kind === 'unreadable') return errorAnswer(400, 'BadRequestError', 'The request body could not be read');
  return handleWebhook(captured.bytes, signatureHeader, deps);
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
