export { guardLedgerTables, LEDGER_UIDS, LedgerWriteRefusedError, refuseLedgerDocumentWrites } from './guard';
export { isLedgerWriter, runAsLedgerWriter } from './scope';
