import offers from '../offers/controller';

export default { offers };
