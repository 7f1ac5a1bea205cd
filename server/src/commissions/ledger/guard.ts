import type { Core } from '@strapi/strapi';
import {
  BRAND_UID,
  CATALOGUE_SYNC_UID,
  HOOK_DELIVERY_UID,
  JOB_LOCK_UID,
  PLUGIN_ID,
  RECONCILIATION_RUN_UID,
  TRANSACTION_UID,
  WEBHOOK_EVENT_UID,
} from '../../constants';
import { strapiErrors } from '../../utils/strapi-errors';
import { isLedgerWriter } from './scope';

/**
 * The money tables: written by the verified paths (signed webhooks, reconciliation with Button's API) and nothing
 * else. The outbox is one of them: a forged pending delivery would have the publisher's callback credit a user.
 */
export const LEDGER_UIDS: readonly string[] = [TRANSACTION_UID, WEBHOOK_EVENT_UID, HOOK_DELIVERY_UID];

/**
 * Every type only the plugin's own code writes: the ledger, the reconciliation runs and job leases (a forged
 * lease would stop reconciliation; a forged run would mislead an operator), and the brand catalogue and its syncs
 * (Button's data, as the sync read it: an editor's change would be overwritten, a forged brand would be imported). None is editable through the Document
 * Service (the plugin writes them through the query engine) nor exposed by GraphQL.
 */
export const INTERNAL_UIDS: readonly string[] = [
  ...LEDGER_UIDS,
  RECONCILIATION_RUN_UID,
  JOB_LOCK_UID,
  BRAND_UID,
  CATALOGUE_SYNC_UID,
];

const DOCUMENT_READ_ACTIONS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
const DB_WRITE_ACTIONS = [
  'beforeCreate',
  'beforeCreateMany',
  'beforeUpdate',
  'beforeUpdateMany',
  'beforeDelete',
  'beforeDeleteMany',
] as const;

export const LEDGER_READ_ONLY = 'LEDGER_READ_ONLY' as const;

/**
 * A 403 in Strapi's envelope wherever it reaches an HTTP answer (Content Manager, GraphQL, custom routes): Strapi's
 * own ForbiddenError (see utils/strapi-errors.ts for why it is not a subclass), `code` in its details and on it.
 */
export function ledgerWriteRefused(uid: string, action: string): Error & { code: typeof LEDGER_READ_ONLY } {
  const error = new (strapiErrors().ForbiddenError)(
    `The ${PLUGIN_ID} commission ledger is written only by the webhook endpoint (Button's signed webhooks): ` +
      `${action} on ${uid} is refused`,
    { code: LEDGER_READ_ONLY, uid, action }
  );
  return Object.assign(error, { code: LEDGER_READ_ONLY });
}

/**
 * From register(): every Document Service action but reads is refused on the ledger, whoever calls it (Content
 * Manager, GraphQL, REST, another plugin). The ledger itself writes through the query engine, never through here.
 */
export function refuseLedgerDocumentWrites(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (INTERNAL_UIDS.includes(context.uid) && !DOCUMENT_READ_ACTIONS.has(context.action)) {
      throw ledgerWriteRefused(context.uid, context.action);
    }
    return next();
  });
}

/**
 * From bootstrap() (after Strapi initialised the database): the query engine refuses writes to the ledger's
 * tables outside `runAsLedgerWriter`, so even code that bypasses the Document Service (the Entity Service,
 * `strapi.db.query`) cannot create, change or delete money rows. Raw SQL is out of reach of any Strapi hook.
 */
export function guardLedgerTables(strapi: Core.Strapi): void {
  const refuseOutsideWriter = (event: { action: string; model: { uid: string } }) => {
    if (!isLedgerWriter()) throw ledgerWriteRefused(event.model.uid, event.action);
  };
  strapi.db.lifecycles.subscribe({
    models: [...LEDGER_UIDS],
    ...Object.fromEntries(DB_WRITE_ACTIONS.map((action) => [action, refuseOutsideWriter])),
  });
}
