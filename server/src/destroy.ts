import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  // Closes the Button connection pool so the process (or a test) can exit without dangling sockets.
  await getService(strapi, 'button').close();
};

export default destroy;
