import catalogue from '../catalogue/controller';
import commissions from '../commissions/controller';
import health from '../health/controller';
import merchants from '../merchants/controller';
import metrics from '../metrics/controller';
import offers from '../offers/controller';
import pubRefs from '../pub-ref/controller';
import settings from '../settings/controller';

export default { catalogue, commissions, health, merchants, metrics, offers, 'pub-refs': pubRefs, settings };
