import { PriceTag } from '@strapi/icons';

export const PluginIcon = () => <PriceTag />;
