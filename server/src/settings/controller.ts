import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

type Context = Parameters<Core.MiddlewareHandler>[0];

const settingsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/settings */
  async get(ctx: Context) {
    ctx.body = { data: getService(strapi, 'settings').describe() };
  },

  /** PUT /button-personalization/settings */
  async update(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'settings').update(ctx.request.body) };
  },
});

export default settingsController;
