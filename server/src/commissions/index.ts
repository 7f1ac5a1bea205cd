/**
 * Commission tracking: Button's signed webhooks in (`intake/`), the ledger they feed (`ledger/`), the admin's
 * reads (`reads.ts`), one service in front of the two tables (`service.ts`) and its controller (admin routes
 * and the webhook route).
 */
export { default as commissionsController } from './controller';
export { bootstrapCommissions, registerCommissions } from './lifecycle';
export { createRawBodyCapture } from './intake/capture';
export { createCommissionsService, type CommissionsConfig, type CommissionsDeps, type CommissionsService } from './service';
export type { CommissionsLog, LedgerDb, LedgerQuery } from './db';
export { INTERNAL_UIDS, LEDGER_UIDS, LEDGER_READ_ONLY, ledgerWriteRefused } from './ledger/guard';
export { checkWebhookSignature, signWebhookBody } from './intake/signature';
export type { RecordOutcome } from './ledger/store';
export type { EventRow, PubRefStatus, TransactionRow } from './ledger/record';
export type { StateChangeListener, TransactionStateChange } from './ledger/state-change';
