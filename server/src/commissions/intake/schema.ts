import { z } from 'zod';
import type { RecordOutcome } from '../ledger/store';
import type { WebhookSuccessBody } from './handle';
import { envelopeSchema, TRANSACTION_EVENT_TYPES, transactionSchema } from './payload';

/**
 * The webhook endpoint's request and answer as zod schemas, for the OpenAPI documents only: the endpoint itself
 * verifies the signature over the raw bytes and parses them with payload.ts, never with these.
 */

const RECORD_OUTCOMES = ['applied', 'stale', 'conflict', 'ignored', 'duplicate'] as const;

/** Button's event, as the endpoint reads it (payload.ts): other fields are accepted and kept. */
export const webhookRequestSchema = envelopeSchema
  .extend({
    data: transactionSchema.meta({
      description: `The transaction, for ${TRANSACTION_EVENT_TYPES.join(', ')}; other event types are acknowledged, logged and not stored as a transaction`,
    }),
  })
  .meta({
    description:
      'A Button webhook event. Signed: `X-Button-Signature` is the HMAC-SHA256 (hex) of the exact raw body with the webhook secret.',
  });

/** The 200 answer: the event is stored (or was already known). */
export const webhookResponseSchema = z
  .object({
    data: z.object({
      event_id: z.string(),
      event_type: z.string(),
      transaction_id: z.string().nullable(),
      outcome: z.enum(RECORD_OUTCOMES).meta({
        description:
          'applied: stored; stale: older than what is stored; conflict: would change a final state (kept for review); duplicate: already received; ignored: unknown event type',
      }),
    }),
  })
  .meta({ description: 'The event is durably recorded: Button stops retrying it' });

// Compile-time: the schema's answer is exactly the one handle.ts builds, and the outcomes are the ledger's.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const WEBHOOK_CONTRACT_CHECKS = [
  true satisfies Exactly<z.output<typeof webhookResponseSchema>, WebhookSuccessBody>,
  true satisfies Exactly<(typeof RECORD_OUTCOMES)[number], RecordOutcome>,
] as const;
