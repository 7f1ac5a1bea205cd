import button from '../button-client/service';
import offers from '../offers/service';

export default { button, offers };
