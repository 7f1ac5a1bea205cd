import button from '../button-client/service';
import metrics from '../metrics/service';
import offers from '../offers/service';

export default { button, metrics, offers };
