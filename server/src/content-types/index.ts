import brand from './brand';
import catalogueSync from './catalogue-sync';
import hookDelivery from './hook-delivery';
import jobLock from './job-lock';
import merchantOffer from './merchant-offer';
import reconciliationRun from './reconciliation-run';
import transaction from './transaction';
import webhookEvent from './webhook-event';

export default {
  'merchant-offer': merchantOffer,
  transaction,
  'webhook-event': webhookEvent,
  'hook-delivery': hookDelivery,
  'reconciliation-run': reconciliationRun,
  'job-lock': jobLock,
  brand,
  'catalogue-sync': catalogueSync,
};
