import button from '../button-client/service';
import health from '../health/service';
import commissions from '../ledger/service';
import merchants from '../merchants/service';
import metrics from '../metrics/service';
import offers from '../offers/service';
import settings from '../settings/service';

export default { button, commissions, health, merchants, metrics, offers, settings };
