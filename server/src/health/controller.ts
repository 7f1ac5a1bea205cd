import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

type Context = Parameters<Core.MiddlewareHandler>[0];

const healthController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/health */
  async get(ctx: Context) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: getService(strapi, 'health').snapshot() };
  },
});

export default healthController;
