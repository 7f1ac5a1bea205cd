import button from '../button-client/service';
import commissions from '../ledger/service';
import offers from '../offers/service';

export default { button, offers, commissions };
