import fs from 'node:fs';
import type { Core } from '@strapi/strapi';
import { signBody, transaction, webhookEvent } from '../../simulator';
import type { Playground } from './playground';

export { signBody, transaction, webhookEvent };
export const WEBHOOK_PATH = '/api/button-personalization/webhooks';
export const TRANSACTION_UID = 'plugin::button-personalization.transaction';
export const WEBHOOK_EVENT_UID = 'plugin::button-personalization.webhook-event';
export const WEBHOOK_SECRET = 'whsec_test_5b1e0c7a9d';
export const PUBREF_SECRET = 'pubref_test_8f2c4a6e1b';

/** POSTs exact bytes, signed (or not) as the caller says. */
export function postWebhook(app: Playground, body: string, signature: string | null = signBody(body, WEBHOOK_SECRET)) {
  const req = app.http().post(WEBHOOK_PATH).set('Content-Type', 'application/json');
  if (signature !== null) req.set('X-Button-Signature', signature);
  return req.send(body);
}

export interface TransactionRecord {
  transaction_id: string;
  status: string;
  amount: number | null;
  pub_ref: string | null;
  pub_ref_status: string;
  pub_ref_tag_valid: boolean;
  click_id: string | null;
  offer_id: string | null;
  rate_kind: string | null;
  rate_value: string | null;
  rate_currency: string | null;
  publisher_customer_hash: string | null;
  last_webhook_id: string;
  payload: { data: Record<string, unknown> };
}

export async function transactionsOf(strapi: Core.Strapi, transactionId: string): Promise<TransactionRecord[]> {
  return (await strapi.db
    .query(TRANSACTION_UID as never)
    .findMany({ where: { transaction_id: transactionId } })) as TransactionRecord[];
}

export async function eventsOf(
  strapi: Core.Strapi,
  where: Record<string, unknown>
): Promise<Array<{ event_id: string; outcome: string }>> {
  return (await strapi.db.query(WEBHOOK_EVENT_UID as never).findMany({ where })) as Array<{ event_id: string; outcome: string }>;
}

export async function countAll(strapi: Core.Strapi): Promise<{ transactions: number; events: number }> {
  return {
    transactions: await strapi.db.query(TRANSACTION_UID as never).count({}),
    events: await strapi.db.query(WEBHOOK_EVENT_UID as never).count({}),
  };
}

/**
 * The complete lines of a JSON-lines journal (the playground's commission hook writes one, see playground/src):
 * a line another process is still appending (no newline yet) is not read half-written.
 */
export function readJsonLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}
