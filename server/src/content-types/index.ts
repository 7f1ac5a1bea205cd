import merchantOffer from './merchant-offer';

export default { 'merchant-offer': merchantOffer };
