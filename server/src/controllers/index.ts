import metrics from '../metrics/controller';
import offers from '../offers/controller';

export default { metrics, offers };
