import merchantOffer from './merchant-offer';
import transaction from './transaction';
import webhookEvent from './webhook-event';

export default { 'merchant-offer': merchantOffer, transaction, 'webhook-event': webhookEvent };
