import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  // Saves what the registry learnt, then closes the Button pool so the process (or a test) exits cleanly.
  await getService(strapi, 'merchants').stop();
  await getService(strapi, 'button').close();
};

export default destroy;
