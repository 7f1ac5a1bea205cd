import health from '../health/controller';
import merchants from '../merchants/controller';
import metrics from '../metrics/controller';
import offers from '../offers/controller';
import settings from '../settings/controller';

export default { health, merchants, metrics, offers, settings };
